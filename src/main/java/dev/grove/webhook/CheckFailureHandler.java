package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import dev.grove.queue.EventHandler;
import dev.grove.queue.Routing;
import dev.grove.queue.WebhookEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code check_suite.completed} and {@code check_run.completed} of another app (CI) with conclusion {@code failure}
 * on a pull request from a {@code grove/} branch: a CI fix of that task. Grove's own check runs (this App's id, or
 * named {@code grove / ...}) never are one, whatever their conclusion.
 */
public final class CheckFailureHandler implements EventHandler {
    private final String appId;
    private final Consumer<Triggers.CheckFailure> failures;

    /** @param appId this App's id: its own suites and runs are not CI */
    public CheckFailureHandler(String appId, Consumer<Triggers.CheckFailure> failures) {
        this.appId = appId;
        this.failures = failures;
    }

    @Override
    public Routing route(WebhookEvent event) {
        JsonNode p = event.payload();
        boolean suite = event.event().equals("check_suite");
        JsonNode check = p.path(suite ? "check_suite" : "check_run");
        String what = suite ? "check suite " + check.path("id").asText() : "check run '" + check.path("name").asText() + "'";
        if (!"failure".equals(check.path("conclusion").asText())) {
            return new Routing.Ignore(what + " did not fail (" + check.path("conclusion").asText("no conclusion") + ")");
        }
        if (check.path("app").path("id").asText().equals(appId) || check.path("name").asText().startsWith("grove / ")) {
            return new Routing.Ignore(what + " is Grove's own");
        }
        if (!Payloads.hasInstallation(p)) {
            return new Routing.Ignore("the delivery names no App installation");
        }
        String headSha = check.path("head_sha").asText();
        List<Integer> pulls = new ArrayList<>();
        for (JsonNode pr : check.path("pull_requests")) {
            if (pr.path("head").path("ref").asText().startsWith("grove/")
                    && (pr.path("head").path("sha").isMissingNode() || pr.path("head").path("sha").asText().equals(headSha))) {
                pulls.add(pr.path("number").asInt());
            }
        }
        if (pulls.isEmpty() || headSha.isEmpty()) {
            return new Routing.Ignore(what + " is not on the head of a pull request from a grove/ branch");
        }
        JsonNode output = check.path("output");
        Triggers.FailedRun run = suite ? null : new Triggers.FailedRun(check.path("id").asLong(),
                check.path("name").asText(""), text(output.path("title")), text(output.path("summary")),
                text(output.path("text")), output.path("annotations_count").asInt(0));
        long suiteId = suite ? check.path("id").asLong() : check.path("check_suite").path("id").asLong();
        String app = check.path("app").path("slug").asText("");
        Triggers.CheckFailure t = new Triggers.CheckFailure(Payloads.repo(p), headSha, pulls, suiteId, run,
                app.isBlank() ? check.path("app").path("name").asText("CI") : app);
        return new Routing.Enqueue("CI fix of " + t.repo().repo() + "#" + pulls.get(0) + " after " + what + " failed",
                () -> failures.accept(t));
    }

    private static String text(JsonNode n) {
        return n.isTextual() ? n.asText() : null;
    }
}
