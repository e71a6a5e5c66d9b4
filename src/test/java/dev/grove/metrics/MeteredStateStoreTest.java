package dev.grove.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.store.FileStateStore;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeteredStateStoreTest {
    static final RepoRef REPO = new RepoRef("octo", "shop");
    @TempDir
    Path tmp;

    @Test
    void countsEachTaskOnceWhenItReachesAnEndStateAndDelegatesEverythingElse() {
        GroveMetrics metrics = new GroveMetrics();
        MeteredStateStore store = new MeteredStateStore(new FileStateStore(tmp.resolve("s.json")), metrics);
        TaskRecord t = TaskRecord.queued(new TaskKey(REPO, 1, "a"), 1, "A");
        store.saveTask(t.withStatus(TaskStatus.RUNNING));
        store.saveTask(t.withStatus(TaskStatus.PR_OPENED).withBranch("grove/1-a").withPullRequest(5, "u")
                .withElapsed(Duration.ofSeconds(3)));
        store.saveTask(t.withStatus(TaskStatus.PR_OPENED).withBranch("grove/1-a").withPullRequest(5, "u")
                .withElapsed(Duration.ofSeconds(3))); // saved again: no second count
        TaskRecord b = TaskRecord.queued(new TaskKey(REPO, 1, "b"), 2, "B");
        store.saveTask(b.withStatus(TaskStatus.FAILED).withElapsed(Duration.ofSeconds(1)));

        String scrape = metrics.scrape();
        assertTrue(scrape.contains("grove_tasks_finished_total{outcome=\"pr_opened\"} 1.0"), scrape);
        assertTrue(scrape.contains("grove_tasks_finished_total{outcome=\"failed\"} 1.0"), scrape);
        assertTrue(scrape.contains("grove_task_duration_seconds_count{outcome=\"pr_opened\"} 1"), scrape);
        assertEquals("grove/1-a", store.taskByPullRequest(REPO, 5).orElseThrow().branch(), "delegated, not the default");
        assertTrue(store.recordDelivery("d1"));
    }
}
