package dev.grove.git;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileBasedConfig;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.util.FS;
import org.eclipse.jgit.util.FS_POSIX;
import org.eclipse.jgit.util.ProcessResult;
import org.eclipse.jgit.util.SystemReader;

/**
 * JGit as Grove uses it: repositories are data, never code. Every repository is opened with an explicit git dir
 * (nothing is discovered from a worktree's {@code .git} file) and a file system that finds no hooks (JGit would run
 * {@code pre-push} on a push, {@code pre-commit}/{@code commit-msg} on a commit); and JGit reads no user, XDG or
 * system config ({@code ~/.gitconfig} is anyone's who can write Grove's HOME, and a {@code url.X.insteadOf} line
 * there would send a push, with its credentials, elsewhere).
 */
final class IsolatedJGit {

    private static volatile boolean isolated;

    private IsolatedJGit() {
    }

    /** Makes JGit read no config but the repository's own, JVM-wide; idempotent. */
    static synchronized void isolate() {
        if (isolated) {
            return;
        }
        SystemReader.setInstance(new NoOutsideConfig(SystemReader.getInstance()));
        isolated = true;
    }

    /** Opens the repository whose git dir is exactly {@code gitDir}, with hooks off. */
    static Repository open(Path gitDir) throws IOException {
        isolate();
        return new FileRepositoryBuilder().setGitDir(gitDir.toFile()).setFS(new HooklessFS())
                .setMustExist(true).build();
    }

    /** A POSIX file system on which no repository has hooks. */
    static final class HooklessFS extends FS_POSIX {
        HooklessFS() {
            super();
        }

        @Override
        public FS newInstance() {
            return new HooklessFS();
        }

        @Override
        public File findHook(Repository repository, String hookName) {
            return null;
        }

        @Override
        public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args) {
            return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
        }

        @Override
        public ProcessResult runHookIfPresent(Repository repository, String hookName, String[] args,
                OutputStream outRedirect, OutputStream errRedirect, String stdinArgs) {
            return new ProcessResult(ProcessResult.Status.NOT_PRESENT);
        }
    }

    /** The platform's system reader with empty user, system and JGit configs. */
    private static final class NoOutsideConfig extends SystemReader.Delegate {
        NoOutsideConfig(SystemReader delegate) {
            super(delegate);
        }

        @Override
        public FileBasedConfig openUserConfig(Config parent, FS fs) {
            return new EmptyConfig(parent, fs);
        }

        @Override
        public FileBasedConfig openSystemConfig(Config parent, FS fs) {
            return new EmptyConfig(parent, fs);
        }

        @Override
        public FileBasedConfig openJGitConfig(Config parent, FS fs) {
            return new EmptyConfig(parent, fs);
        }
    }

    private static final class EmptyConfig extends FileBasedConfig {
        EmptyConfig(Config parent, FS fs) {
            super(parent, new File("/dev/null"), fs);
        }

        @Override
        public void load() {
            clear();
        }

        @Override
        public boolean isOutdated() {
            return false;
        }

        @Override
        public void save() {
            // JGit caches file-system facts in its user config; Grove keeps none.
        }
    }
}
