package dev.grove.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import dev.grove.command.Triggers;
import dev.grove.model.RepoRef;
import dev.grove.model.RunRequest;

/** Grove's records from GitHub's payloads. */
final class Payloads {
    private Payloads() {
    }

    static boolean hasInstallation(JsonNode p) {
        return p.path("installation").path("id").canConvertToLong() && p.path("installation").path("id").asLong() != 0;
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
