package dev.grove.report;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grove.model.RepoRef;
import dev.grove.model.TaskKey;
import dev.grove.model.TaskRecord;
import dev.grove.model.TaskStatus;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DashboardRendererTest {
    static final RepoRef REPO = new RepoRef("octo", "shop");
    final DashboardRenderer renderer = new DashboardRenderer();

    @Test
    void escapesTitlesMessagesAndLogsWhichAreOtherPeoplesText() {
        TaskRecord t = TaskRecord.queued(new TaskKey(REPO, 3, "x"), 1, "<script>alert(1)</script>")
                .withStatus(TaskStatus.FAILED).withMessage("exit \"3\" & <b>");
        String html = renderer.render(List.of(new DashboardRenderer.Row(t, "</pre><img src=x onerror=alert(1)>")),
                Instant.EPOCH);
        assertFalse(html.contains("<script>alert"), html);
        assertFalse(html.contains("<img"), html);
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), html);
        assertTrue(html.contains("exit &quot;3&quot; &amp; &lt;b&gt;"), html);
        assertTrue(html.contains("&lt;/pre&gt;&lt;img src=x onerror=alert(1)&gt;"), html);
    }

    @Test
    void linksOnlyWebAddressesOfPullRequests() {
        TaskRecord ok = TaskRecord.queued(new TaskKey(REPO, 3, "a"), 1, "A").withStatus(TaskStatus.PR_OPENED)
                .withBranch("grove/3-a").withPullRequest(7, "https://github.com/octo/shop/pull/7");
        TaskRecord odd = TaskRecord.queued(new TaskKey(REPO, 3, "b"), 2, "B").withStatus(TaskStatus.PR_OPENED)
                .withPullRequest(8, "javascript:alert(1)");
        String html = renderer.render(List.of(new DashboardRenderer.Row(ok, ""), new DashboardRenderer.Row(odd, "")),
                Instant.EPOCH);
        assertTrue(html.contains("<a href=\"https://github.com/octo/shop/pull/7\">#7</a>"), html);
        assertTrue(html.contains("<td>#8</td>") && !html.contains("javascript:"), html);
        assertTrue(html.contains("<code>grove/3-a</code>"), html);
        assertTrue(html.contains("octo/shop#3"), html);
    }

    @Test
    void saysHowToStartWhenThereIsNothingYet() {
        assertTrue(renderer.render(List.of(), Instant.EPOCH).contains("No task yet"));
    }
}
