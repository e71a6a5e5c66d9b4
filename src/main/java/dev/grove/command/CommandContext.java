package dev.grove.command;

import dev.grove.config.RepoConfig;
import dev.grove.github.GitHubGateway;
import dev.grove.model.RunRequest;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a command was given: the installation's GitHub, the request ({@code req.issueNumber()} is the issue, or the
 * pull request when {@code onPullRequest}), the repository's config. The requester passed {@link CommandAuthorizer}.
 */
public record CommandContext(GitHubGateway github, RunRequest req, RepoConfig config, boolean onPullRequest) {
    private static final Logger log = LoggerFactory.getLogger(CommandContext.class);

    /** Replies on the issue or pull request the command was given on; a failed reply is logged. */
    public void reply(String text) {
        reply(github, req, text);
    }

    static void reply(GitHubGateway github, RunRequest req, String text) {
        try {
            github.commentOnIssue(req.repo(), req.issueNumber(), text);
        } catch (IOException | RuntimeException e) {
            log.warn("could not comment on {}#{}: {}", req.repo(), req.issueNumber(), e.getMessage());
        }
    }
}
