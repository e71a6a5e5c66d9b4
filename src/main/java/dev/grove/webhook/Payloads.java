package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;
import dev.grove.queue.Routing;
import java.util.Optional;

/** Grove's records from GitHub's payloads. */
final class Payloads {
    private Payloads() {
    }

    static boolean hasInstallation(JsonNode p) {
        return p.path("installation").path("id").canConvertToLong() && p.path("installation").path("id").asLong() != 0;
    }

    /**
     * Why an {@code issues} event is not Grove's to act on: a bot sent it (Grove included), it is about a pull request
     * ({@code onPullRequest} says why that matters), or it came through no App installation.
     */
    static Optional<Routing.Ignore> notFromPersonOnIssue(JsonNode p, String onPullRequest) {
        if (Senders.isBot(p.path("sender"))) {
            return Optional.of(new Routing.Ignore("the sender " + p.path("sender").path("login").asText() + " is a bot"));
        }
        if (p.path("issue").has("pull_request")) {
            return Optional.of(new Routing.Ignore(onPullRequest));
        }
        if (!hasInstallation(p)) {
            return Optional.of(new Routing.Ignore("the delivery names no App installation"));
        }
        return Optional.empty();
    }

    static Triggers.Repo repo(JsonNode p) {
        JsonNode repo = p.path("repository");
        return new Triggers.Repo(RepoRef.parse(repo.path("full_name").asText()), p.path("installation").path("id").asLong(),
                repo.path("clone_url").asText(), repo.path("default_branch").asText("main"));
    }

    /** The issue (or pull request, for a comment on one) of the payload, asked for by {@code by}. */
    static RunRequest issueRequest(JsonNode p, String by) {
        Triggers.Repo r = repo(p);
        JsonNode issue = p.path("issue");
        return new RunRequest(r.repo(), r.installationId(), issue.path("number").asInt(), issue.path("title").asText(""),
                issue.path("body").isNull() ? "" : issue.path("body").asText(""), by, r.cloneUrl(), r.defaultBranch());
    }
}
