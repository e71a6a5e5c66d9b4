package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.github.RepoRef;
import dev.grove.pipeline.RunRequest;
import java.util.function.Consumer;

/**
 * {@code issues.labeled} with the trigger label on an issue (not a PR), from a person (not a bot), through an
 * installation: a run of that issue. Who may run it is checked by the job, through the API, not here.
 */
public final class IssueLabeledHandler implements EventHandler {
    private final String triggerLabel;
    private final Consumer<RunRequest> runs;

    public IssueLabeledHandler(String triggerLabel, Consumer<RunRequest> runs) {
        this.triggerLabel = triggerLabel;
        this.runs = runs;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        String label = p.path("label").path("name").asText("");
        if (!label.equalsIgnoreCase(triggerLabel)) {
            return new Routing.Ignore("label '" + label + "' is not Grove's trigger label '" + triggerLabel + "'");
        }
        if (Senders.isBot(p.path("sender"))) {
            return new Routing.Ignore("the sender " + p.path("sender").path("login").asText() + " is a bot");
        }
        JsonNode issue = p.path("issue");
        if (issue.has("pull_request")) {
            return new Routing.Ignore("the label is on a pull request; Grove runs issues");
        }
        if (!p.path("installation").path("id").canConvertToLong() || p.path("installation").path("id").asLong() == 0) {
            return new Routing.Ignore("the delivery names no App installation");
        }
        JsonNode repo = p.path("repository");
        RunRequest req = new RunRequest(
                RepoRef.parse(repo.path("full_name").asText()),
                p.path("installation").path("id").asLong(),
                issue.path("number").asInt(),
                issue.path("title").asText(""),
                issue.path("body").isNull() ? "" : issue.path("body").asText(""),
                p.path("sender").path("login").asText(),
                repo.path("clone_url").asText(),
                repo.path("default_branch").asText("main"));
        return new Routing.Enqueue("run " + req.repo() + "#" + req.issueNumber(), () -> runs.accept(req));
    }
}
