package dev.grove.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentLaunchTest {
    @TempDir
    Path tmp;

    @Test
    void aScriptNamedInAShellLineIsFoundWhateverPunctuationSurroundsIt() throws Exception {
        Path script = Files.writeString(tmp.resolve("agent.sh"), "#!/bin/sh\n");
        for (String line : List.of("sh " + script, "sh '" + script + "'", "X=1 sh '" + script + "'; rc=$?",
                "(sh \"" + script + "\")", "sh " + script + " && echo done", "sh " + script + "&")) {
            assertEquals(List.of(script), AgentLaunch.programPaths(line), line);
        }
        assertEquals(List.of(), AgentLaunch.programPaths("sh '" + tmp.resolve("missing.sh") + "'; echo"));
    }
}
