package dev.grove.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Finds the git common dir a linked worktree uses, without trusting the worktree: its {@code .git} file may have been
 * rewritten by an earlier agent. The dir it names is accepted only if it sits in a {@code worktrees/} folder whose
 * {@code gitdir} file (in the common dir, which no sandbox can write) points back at this worktree's {@code .git}.
 */
final class GitDirs {
    private GitDirs() {
    }

    /** The common dir to show read-only, or null (no linked worktree, or one that does not check out). */
    static Path commonDirOf(Path worktree) {
        Path dotGit = worktree.toAbsolutePath().normalize().resolve(".git");
        if (!Files.isRegularFile(dotGit, LinkOption.NOFOLLOW_LINKS)) {
            return null;
        }
        try {
            String text = Files.readString(dotGit, StandardCharsets.UTF_8).strip();
            if (!text.startsWith("gitdir:")) return null;
            Path gitDir = worktree.toAbsolutePath().normalize().resolve(text.substring(7).strip()).normalize();
            Path worktrees = gitDir.getParent();
            if (worktrees == null || !worktrees.getFileName().toString().equals("worktrees")) return null;
            Path back = gitDir.resolve("gitdir");
            if (!Files.isRegularFile(back, LinkOption.NOFOLLOW_LINKS)) return null;
            Path pointsTo = Path.of(Files.readString(back, StandardCharsets.UTF_8).strip()).toAbsolutePath().normalize();
            if (!pointsTo.equals(dotGit)) return null;
            Path common = worktrees.getParent();
            return common != null && Files.isDirectory(common, LinkOption.NOFOLLOW_LINKS) ? common : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
