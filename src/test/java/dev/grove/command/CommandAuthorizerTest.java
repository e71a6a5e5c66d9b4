package dev.grove.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.config.RepoConfig;
import dev.grove.github.GitHubGateway;
import dev.grove.github.PullRequestDraft;
import dev.grove.github.PullRequestRef;
import dev.grove.model.RepoRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.grove.store.Database;
import dev.grove.store.FileStateStore;
import dev.grove.store.JdbcStateStore;
import dev.grove.testing.TestDatabases;
import java.nio.file.Path;

class CommandAuthorizerTest {
    static final RepoRef REPO = new RepoRef("o", "r");
    static final RepoConfig WRITE = RepoConfig.defaults("grove", 3);

    /** Answers roles from a map and records who was asked. */
    static final class Roles implements GitHubGateway {
        final Map<String, String> roles = new HashMap<>();
        final List<String> asked = new ArrayList<>();

        @Override
        public String roleOf(RepoRef repo, String user) {
            asked.add(user);
            return roles.getOrDefault(user, "none");
        }

        @Override
        public String permissionOf(RepoRef repo, String user) {
            throw new AssertionError("the authorizer reads roles");
        }

        @Override
        public long commentOnIssue(RepoRef repo, int issueNumber, String body) {
            throw new AssertionError();
        }

        @Override
        public void editIssueComment(RepoRef repo, long commentId, String body) {
            throw new AssertionError();
        }

        @Override
        public Optional<PullRequestRef> findPullRequest(RepoRef repo, String headBranch) {
            throw new AssertionError();
        }

        @Override
        public PullRequestRef openPullRequest(RepoRef repo, PullRequestDraft draft) {
            throw new AssertionError();
        }
    }

    static final class MovableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void allowsTheConfiguredLevelAndAbove() throws Exception {
        Roles gh = new Roles();
        gh.roles.putAll(Map.of("w", "write", "m", "maintain", "a", "admin", "t", "triage", "r", "read"));
        CommandAuthorizer auth = new CommandAuthorizer(new MovableClock(), store());
        assertTrue(auth.check(gh, REPO, "w", WRITE).allowed());
        assertTrue(auth.check(gh, REPO, "m", WRITE).allowed());
        assertTrue(auth.check(gh, REPO, "a", WRITE).allowed());
        assertFalse(auth.check(gh, REPO, "t", WRITE).allowed());
        assertFalse(auth.check(gh, REPO, "r", WRITE).allowed());
        assertFalse(auth.check(gh, REPO, "nobody", WRITE).allowed());
        assertEquals("triage", auth.check(gh, REPO, "t", WRITE).role());
    }

    @Test
    void neverAsksAboutBots() throws Exception {
        Roles gh = new Roles();
        gh.roles.put("grove[bot]", "admin");
        CommandAuthorizer auth = new CommandAuthorizer(new MovableClock(), store());
        assertFalse(auth.check(gh, REPO, "grove[bot]", WRITE).allowed());
        assertFalse(auth.check(gh, REPO, "Dependabot[BOT]", WRITE).allowed());
        assertEquals(List.of(), gh.asked);
    }

    @Test
    void cachesARoleBrieflyThenAsksAgain() throws Exception {
        Roles gh = new Roles();
        gh.roles.put("w", "write");
        MovableClock clock = new MovableClock();
        CommandAuthorizer auth = new CommandAuthorizer(clock, store());
        auth.check(gh, REPO, "w", WRITE);
        clock.now = clock.now.plus(CommandAuthorizer.TTL.minusSeconds(1));
        auth.check(gh, REPO, "W", WRITE);
        assertEquals(1, gh.asked.size(), "cached, names compared without case");
        gh.roles.put("w", "read"); // access taken away
        clock.now = clock.now.plus(Duration.ofSeconds(1));
        assertFalse(auth.check(gh, REPO, "w", WRITE).allowed(), "asked again once the cache expired");
        assertEquals(2, gh.asked.size());
    }

    @Test
    void answersARefusalOncePerUserAndIssuePerHour() {
        MovableClock clock = new MovableClock();
        CommandAuthorizer auth = new CommandAuthorizer(clock, store());
        assertTrue(auth.shouldAnswerRefusal(REPO, 7, "outsider"), "the first refusal is answered");
        assertFalse(auth.shouldAnswerRefusal(REPO, 7, "outsider"), "not the second comment");
        assertFalse(auth.shouldAnswerRefusal(REPO, 7, "OUTSIDER"), "names compared without case");
        assertTrue(auth.shouldAnswerRefusal(REPO, 8, "outsider"), "another issue is answered");
        assertTrue(auth.shouldAnswerRefusal(REPO, 7, "someone-else"), "another user is answered");
        assertTrue(auth.shouldAnswerRefusal(new RepoRef("o", "other"), 7, "outsider"), "another repository too");

        clock.now = clock.now.plus(CommandAuthorizer.REFUSAL_INTERVAL.minusSeconds(1));
        assertFalse(auth.shouldAnswerRefusal(REPO, 7, "outsider"), "still within the hour");
        clock.now = clock.now.plusSeconds(1);
        assertTrue(auth.shouldAnswerRefusal(REPO, 7, "outsider"), "an hour after the answer: answered again");
        assertFalse(auth.shouldAnswerRefusal(REPO, 7, "outsider"));
    }

    @Test
    void aRefusalAnsweredIsRememberedAcrossARestart() {
        MovableClock clock = new MovableClock();
        assertTrue(new CommandAuthorizer(clock, store()).shouldAnswerRefusal(REPO, 7, "outsider"));
        // a new process on the same state (the store read back from its file)
        CommandAuthorizer restarted = new CommandAuthorizer(clock, new FileStateStore(tmp.resolve("state.json")));
        assertFalse(restarted.shouldAnswerRefusal(REPO, 7, "outsider"), "already answered before the restart");
        clock.now = clock.now.plus(CommandAuthorizer.REFUSAL_INTERVAL);
        assertTrue(restarted.shouldAnswerRefusal(REPO, 7, "outsider"), "an hour later: answered again");
    }

    @Test
    void twoProcessesOnOneDatabaseAnswerARefusalOnce() {
        MovableClock clock = new MovableClock();
        try (Database db = TestDatabases.sqlite(tmp)) {
            CommandAuthorizer a = new CommandAuthorizer(clock, new JdbcStateStore(db, "a", clock, Duration.ofSeconds(30)));
            CommandAuthorizer b = new CommandAuthorizer(clock, new JdbcStateStore(db, "b", clock, Duration.ofSeconds(30)));
            assertTrue(a.shouldAnswerRefusal(REPO, 7, "outsider"));
            assertFalse(b.shouldAnswerRefusal(REPO, 7, "Outsider"), "the other process answered already");
        }
    }

    @TempDir
    Path tmp;

    /** The state a process keeps: the embedded store in the data folder. */
    FileStateStore store() {
        return new FileStateStore(tmp.resolve("state.json"));
    }

    @Test
    void theReplyWhenThePermissionCannotBeReadSaysNothingStarted() {
        String reply = CommandAuthorizer.couldNotCheck("mona", REPO, "GitHub answered 502 to GET /x");
        assertTrue(reply.startsWith("@mona ") && reply.contains("could not check your permission on o/r")
                && reply.contains("502") && reply.contains("nothing was started"), reply);
    }
}
