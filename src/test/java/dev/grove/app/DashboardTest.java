package dev.grove.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dashboard shows a log only when it is the file Grove wrote: no link of any kind leads it elsewhere. */
class DashboardTest {

    @TempDir
    Path tmp;

    private Path data;
    private Path taskDir;
    private Path key;

    @BeforeEach
    void setUp() throws Exception {
        data = Files.createDirectories(tmp.resolve("data"));
        taskDir = Files.createDirectories(data.resolve("tasks/acme/demo/1/1"));
        key = tmp.resolve("app.pem");
        Files.writeString(key, "-----BEGIN RSA PRIVATE KEY-----\nTHE-KEY\n-----END RSA PRIVATE KEY-----\n");
    }

    @Test
    void showsTheLastLinesOfALogGroveWrote() throws Exception {
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 40; i++) {
            log.append("line ").append(i).append('\n');
        }
        Files.writeString(taskDir.resolve("agent.log"), log);
        String tail = Dashboard.tail(data, taskDir.resolve("agent.log"));
        assertEquals(Dashboard.TAIL_LINES, tail.lines().count());
        assertEquals("line 40", tail.lines().reduce((a, b) -> b).orElseThrow());
        assertEquals("", Dashboard.tail(data, taskDir.resolve("no-such.log")));
    }

    @Test
    void aLogReplacedByASymlinkToTheKeyShowsNothingOfIt() throws Exception {
        Files.createSymbolicLink(taskDir.resolve("agent.log"), key);
        assertEquals(Dashboard.NOT_SHOWN, Dashboard.tail(data, taskDir.resolve("agent.log")));
    }

    @Test
    void aLogReplacedByAHardLinkToTheKeyShowsNothingOfIt() throws Exception {
        Files.createLink(taskDir.resolve("agent.log"), key);
        assertEquals(Dashboard.NOT_SHOWN, Dashboard.tail(data, taskDir.resolve("agent.log")));
    }

    @Test
    void aTaskFolderReplacedByASymlinkShowsNothing() throws Exception {
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        Files.writeString(elsewhere.resolve("agent.log"), "THE-KEY\n");
        Files.delete(taskDir);
        Files.createSymbolicLink(taskDir, elsewhere);
        assertEquals(Dashboard.NOT_SHOWN, Dashboard.tail(data, taskDir.resolve("agent.log")));
    }

    @Test
    void aLogOutsideTheDataFolderIsNeverRead() {
        assertEquals(Dashboard.NOT_SHOWN, Dashboard.tail(data, key));
        assertEquals(Dashboard.NOT_SHOWN, Dashboard.tail(data, data.resolve("../app.pem")));
    }
}
