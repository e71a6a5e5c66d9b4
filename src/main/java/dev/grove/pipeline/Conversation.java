package dev.grove.pipeline;

import dev.grove.agent.AgentDefinition;
import dev.grove.agent.PromptContext;
import dev.grove.agent.RepoInstructions;
import dev.grove.github.GitHubGateway;
import dev.grove.github.IssueComment;
import dev.grove.model.RepoRef;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gathers what an agent's prompt carries besides its task ({@link PromptContext}): the issue's comment thread and the
 * repository's agent instructions.
 *
 * <p>Left out of the thread: comments by bots (Grove posts as its App's bot, and its comments carry a hidden
 * {@code <!-- grove:} marker, also left out) and commands to Grove ({@code /grove ...}, {@code @grove ...}). A comment's
 * author counts as a writer when GitHub's {@code author_association} is {@code OWNER}, {@code MEMBER} or
 * {@code COLLABORATOR} <em>and</em> their permission on the repository is write or admin (one permission look-up per
 * such author, only for the comments shown); everyone else's text is untrusted input. A thread that cannot be read
 * does not stop the task: the prompt says so.
 */
final class Conversation {
    private static final Logger log = LoggerFactory.getLogger(Conversation.class);
    private static final Set<String> ASSOCIATED = Set.of("OWNER", "MEMBER", "COLLABORATOR");
    private static final Pattern COMMAND = Pattern.compile("(?i)^ {0,3}/grove(\\s|$)|^@grove\\b");

    private Conversation() {
    }

    /** The context of a prompt for issue {@code issue}, whose worktree is {@code worktree}, for an agent of {@code kind}. */
    static PromptContext gather(GitHubGateway github, RepoRef repo, int issue, Path worktree, AgentDefinition.Kind kind) {
        PromptContext.Parts instructions = RepoInstructions.read(worktree, kind);
        List<IssueComment> thread;
        try {
            thread = github.issueThread(repo, issue);
        } catch (IOException | RuntimeException e) {
            log.warn("the comments of {}#{} could not be read for the prompt: {}", repo, issue, e.getMessage());
            return PromptContext.of(List.of(), 0, "Grove could not read the issue's comments (" + e.getMessage()
                    + "); read the issue on GitHub if you need them.", instructions);
        }
        List<IssueComment> shown = thread.stream().filter(Conversation::fromPeople).toList();
        int earlier = Math.max(0, shown.size() - PromptContext.MAX_COMMENTS);
        shown = shown.subList(earlier, shown.size());
        Map<String, Boolean> writers = new HashMap<>();
        List<PromptContext.Comment> comments = new ArrayList<>();
        for (IssueComment c : shown) {
            boolean writer = writers.computeIfAbsent(c.author() == null ? "" : c.author(),
                    a -> !a.isEmpty() && isWriter(github, repo, a, c.association()));
            comments.add(new PromptContext.Comment(c.author(), writer, c.body()));
        }
        String cut = thread.size() >= GitHubGateway.THREAD_LIMIT ? "Only the first " + GitHubGateway.THREAD_LIMIT
                + " comments of the thread were read." : null;
        return PromptContext.of(comments, earlier, cut, instructions);
    }

    /** Not a bot's, not Grove's, not a command, not empty. */
    static boolean fromPeople(IssueComment c) {
        String body = c.body() == null ? "" : c.body();
        String firstLine = body.strip().isEmpty() ? "" : body.lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        String author = c.author() == null ? "" : c.author();
        return !"Bot".equalsIgnoreCase(c.authorType()) && !author.endsWith("[bot]") && !body.contains("<!-- grove:")
                && !body.isBlank() && !COMMAND.matcher(firstLine).find();
    }

    private static boolean isWriter(GitHubGateway github, RepoRef repo, String author, String association) {
        if (!ASSOCIATED.contains(association)) {
            return false;
        }
        try {
            String p = github.permissionOf(repo, author);
            return "write".equals(p) || "admin".equals(p);
        } catch (IOException | RuntimeException e) {
            log.warn("the permission of @{} on {} could not be read; their comments are fenced: {}", author, repo,
                    e.getMessage());
            return false;
        }
    }
}
