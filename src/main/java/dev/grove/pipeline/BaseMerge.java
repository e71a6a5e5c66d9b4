package dev.grove.pipeline;

import dev.grove.git.GitClient;
import dev.grove.git.Worktree;
import dev.grove.worktree.Workspaces;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A merge of the base into a task's branch, under way in the task's worktree while a revise's agent resolves it: Grove
 * starts it ({@code git merge --no-ff --no-commit}, so the conflicting files hold their conflict markers and the merge
 * state sits in the worktree's admin folder, which the sandbox shows read-only), the agent edits the files, and Grove
 * commits the merge itself, with the task's head and the base as parents, only when no conflict marker is left.
 * Otherwise the merge is aborted and the worktree removed (the branch is kept as origin has it).
 */
final class BaseMerge {
    private static final Logger log = LoggerFactory.getLogger(BaseMerge.class);

    /** A conflict marker line as git writes it: seven {@code <}, {@code >} or {@code |}, then a space or the end. */
    static final Pattern MARKER = Pattern.compile("^(<{7}|>{7}|\\|{7})( .*)?$", Pattern.MULTILINE);

    private final GitClient git;
    private final Worktree wt;
    private final String base;
    private final String baseSha;
    private final List<String> conflicts;
    private boolean committed;
    private List<String> left = List.of();

    private BaseMerge(GitClient git, Worktree wt, String base, String baseSha, List<String> conflicts) {
        this.git = git;
        this.wt = wt;
        this.base = base;
        this.baseSha = baseSha;
        this.conflicts = List.copyOf(conflicts);
    }

    /** Starts merging {@code baseSha} (the head of {@code base}) into the worktree's branch. */
    static BaseMerge start(GitClient git, Worktree wt, String base, String baseSha) {
        return new BaseMerge(git, wt, base, baseSha, git.startMerge(wt, baseSha));
    }

    List<String> conflicts() {
        return conflicts;
    }

    String base() {
        return base;
    }

    boolean committed() {
        return committed;
    }

    /** What the agent is told about the merge under way (added to the revise's instructions). */
    String instructions() {
        String sha = baseSha.substring(0, Math.min(7, baseSha.length()));
        if (conflicts.isEmpty()) {
            return "Grove is resolving a merge of `" + base + "` (" + sha + ") into `" + wt.branch() + "`: the merge is"
                    + " under way in your worktree and went through without conflicts. Check that the task still works"
                    + " on top of it. Do not commit and do not abort the merge: Grove commits it when you are done.";
        }
        return "Grove is resolving a merge of `" + base + "` (" + sha + ") into `" + wt.branch() + "`: the merge is"
                + " under way in your worktree and these files hold conflict markers: "
                + files(conflicts) + ". Resolve every conflict by editing those files, keeping what both sides meant,"
                + " and remove every conflict marker line (`<<<<<<<`, `=======`, `>>>>>>>`). Do not commit and do not"
                + " abort the merge: Grove commits it, with both parents, when you are done, and only if no conflict"
                + " marker is left.";
    }

    /** The conflicted files that still hold a conflict marker line (a deleted file holds none). */
    List<String> unresolved() {
        List<String> left = new ArrayList<>();
        Path root;
        try {
            root = wt.dir().toRealPath();
        } catch (IOException e) {
            return conflicts;
        }
        for (String f : conflicts) {
            Path p = root.resolve(f).normalize();
            try {
                if (!p.startsWith(root) || !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                    continue;
                }
                if (!p.getParent().toRealPath().startsWith(root)) {
                    left.add(f); // a folder swapped for a link out of the worktree: not a resolution
                    continue;
                }
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                        && MARKER.matcher(new String(Files.readAllBytes(p), StandardCharsets.UTF_8)).find()) {
                    left.add(f);
                }
            } catch (IOException e) {
                left.add(f);
            }
        }
        this.left = List.copyOf(left);
        return this.left;
    }

    /**
     * Commits the merge (every file of the worktree staged; parents: the task's head and the base). Returns the
     * worktree as the push sees it: what it adds on top of the base.
     */
    Worktree commit(String message, String authorName, String authorEmail) {
        String sha = git.commitMerge(wt, baseSha, message, authorName, authorEmail);
        committed = true;
        log.info("{}: merged {} ({}) at {}", wt.branch(), base, baseSha, sha);
        return new Worktree(wt.repo(), wt.dir(), wt.branch(), baseSha);
    }

    /** Unless committed: aborts the merge and removes the worktree (its branch kept), so nothing of it is pushed. */
    void abandonUnlessCommitted(Workspaces workspaces) {
        if (committed) {
            return;
        }
        try {
            git.abortMerge(wt);
        } catch (RuntimeException e) {
            log.warn("{}: could not abort the merge of {}: {}", wt.branch(), base, e.getMessage());
        }
        try {
            workspaces.release(wt, false);
        } catch (RuntimeException e) {
            log.warn("{}: could not remove the worktree after the merge of {}: {}", wt.branch(), base, e.getMessage());
        }
    }

    /** The sentence added to the reply when the merge was not committed. */
    String abortedNote() {
        return "Grove aborted the merge of `" + base + "` into this branch, so it still conflicts with `" + base + "`"
                + (conflicts.isEmpty() ? "" : " in " + files(conflicts)) + (left.isEmpty() ? "" : "; conflict markers"
                + " were left in " + files(left)) + ". Resolve the conflict here, or ask `/grove revise` with what to do.";
    }

    static String files(List<String> files) {
        return files.stream().map(f -> "`" + f + "`").collect(Collectors.joining(", "));
    }
}
