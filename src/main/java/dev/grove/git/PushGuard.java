package dev.grove.git;

import java.util.Locale;
import org.eclipse.jgit.lib.Repository;

/**
 * The rule every push passes first: Grove pushes only its own task branches ({@code grove/...}), never the
 * repository's default branch, never {@code HEAD}, never a name git would not accept as a branch. Pure, no I/O.
 */
public final class PushGuard {

    /** The namespace Grove's task branches live in. */
    public static final String BRANCH_PREFIX = "grove/";

    private PushGuard() {
    }

    /**
     * Returns normally when {@code branch} may be pushed.
     *
     * @throws PushRefusedException naming the rule that refused it
     */
    public static void check(String branch, String protectedBranch) {
        if (branch == null || branch.isBlank()) {
            throw new PushRefusedException("refusing to push: no branch given");
        }
        if (protectedBranch == null || protectedBranch.isBlank()) {
            throw new PushRefusedException("refusing to push " + branch + ": the protected (default) branch is unknown");
        }
        String protectedName = stripHeads(protectedBranch);
        if (branch.equals(protectedName) || stripHeads(branch).toLowerCase(Locale.ROOT)
                .equals(protectedName.toLowerCase(Locale.ROOT))) {
            throw new PushRefusedException("refusing to push " + branch + ": it is the protected branch");
        }
        if (branch.equals("HEAD") || branch.endsWith("/HEAD")) {
            throw new PushRefusedException("refusing to push " + branch + ": HEAD is not a branch Grove may push");
        }
        if (!branch.startsWith(BRANCH_PREFIX)) {
            throw new PushRefusedException(
                    "refusing to push " + branch + ": Grove pushes only branches under " + BRANCH_PREFIX);
        }
        if (!Repository.isValidRefName("refs/heads/" + branch)) {
            throw new PushRefusedException("refusing to push " + branch + ": not a valid branch name");
        }
    }

    private static String stripHeads(String name) {
        return name.startsWith("refs/heads/") ? name.substring("refs/heads/".length()) : name;
    }
}
