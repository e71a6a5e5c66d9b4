package dev.grove.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.testing.GitFixtures;
import dev.grove.testing.GitHubApiStub.ReceivedRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * An agent writes the API key it was given into a file of its change. Grove scans what it is about to push, refuses
 * that task's push (the task fails, saying which file, never the key), keeps its branch and log locally, and pushes
 * the other tasks as usual. Nothing Grove sends to GitHub or to origin holds the key.
 */
class SecretInPushFlowIT extends GroveE2E {

    @Test
    void aChangeThatAddsTheAgentsKeyIsNotPushedAndTheTrackingCommentSaysWhyWithoutIt() throws Exception {
        // shaped like no token: only Grove's knowledge of the value can catch it
        String key = "e2e-agent-key-" + UUID.randomUUID().toString().replace("-", "");
        Path agent = tmp.resolve("leaky-agent.sh");
        Files.writeString(agent, """
                #!/bin/sh
                if [ "$GROVE_TASK_NUMBER" = 1 ]; then
                  mkdir -p config && printf 'ANTHROPIC_API_KEY=%s\\n' "$ANTHROPIC_API_KEY" > config/leak.env
                fi
                mkdir -p docs && echo "task $GROVE_TASK_NUMBER" > "docs/task-$GROVE_TASK_NUMBER.md"
                echo "done"
                """);
        Files.setPosixFilePermissions(agent, PosixFilePermissions.fromString("rwxr-xr-x"));
        startServer("sh '" + agent + "'", Map.of("ANTHROPIC_API_KEY", key));
        labelIssue(BODY);

        Set<String> pushed = groveBranchesOnOrigin();
        assertFalse(pushed.contains(BRANCHES.get(0)), "the leaking task's branch reached origin: " + pushed);
        assertTrue(pushed.containsAll(BRANCHES.subList(1, 3)), "the other tasks were pushed: " + pushed);
        for (String b : pushed) {
            String files = GitFixtures.runGit(origin, "log", "-p", "main.." + b);
            assertFalse(files.contains(key), b + " holds the key");
        }
        assertTrue(github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .noneMatch(r -> r.body().path("head").asText().equals(BRANCHES.get(0))), "no PR for the leaking task");

        String tracking = lastTrackingComment();
        assertTrue(tracking.contains("refusing to push `" + BRANCHES.get(0) + "`"), tracking);
        assertTrue(tracking.contains("`config/leak.env` adds a line holding a secret value Grove knows"), tracking);
        assertFalse(tracking.contains(key), tracking);

        // kept locally: the branch with its commit, and the agent's log
        assertTrue(GitFixtures.refs(cacheClone()).containsKey("refs/heads/" + BRANCHES.get(0)), "the branch is kept");
        assertTrue(Files.exists(dataDir.resolve("tasks/octo-org/shop/7/add-a-discount-rule/agent.log")));

        for (ReceivedRequest r : github.all()) {
            assertFalse(r.url().contains(key), r.url());
            assertFalse(r.body() != null && r.body().toString().contains(key), r.method() + " " + r.url() + " holds the key");
        }
        assertEquals(0, github.requests("POST", "/repos/octo-org/shop/pulls").stream()
                .filter(r -> r.body().toString().contains("config/leak.env")).count());
        github.assertNoUnmatchedRequests();
    }
}
