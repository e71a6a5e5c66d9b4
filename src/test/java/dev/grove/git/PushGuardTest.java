package dev.grove.git;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class PushGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"grove/12-fix-login", "grove/1-a/task-2", "grove/x"})
    void allowsGroveTaskBranches(String branch) {
        assertDoesNotThrow(() -> PushGuard.check(branch, "main"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"main", "refs/heads/main", "Main", "HEAD", "grove/HEAD", "feature/x", "grove", "grove/",
            "grove/../main", "grove/a..b", "grove/x.lock", "grove/x y", "grove/x~1", "grove/x^", "grove/x:main",
            "grove//x", "grove/.hidden", "grove/x/", "grove/*", "grove/x@{1}", "master", " grove/x"})
    @NullAndEmptySource
    void refusesEverythingElse(String branch) {
        assertThrows(PushRefusedException.class, () -> PushGuard.check(branch, "main"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"grove/main", "refs/heads/grove/main"})
    void refusesTheProtectedBranchEvenInsideTheNamespace(String protectedBranch) {
        assertThrows(PushRefusedException.class, () -> PushGuard.check("grove/main", protectedBranch));
    }

    @ParameterizedTest
    @NullAndEmptySource
    void refusesWhenTheProtectedBranchIsUnknown(String protectedBranch) {
        assertThrows(PushRefusedException.class, () -> PushGuard.check("grove/x", protectedBranch));
    }
}
