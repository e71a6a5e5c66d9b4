package dev.grove.bench;

import dev.grove.app.AppConfig;
import dev.grove.app.GroveServer;
import dev.grove.app.GroveServerSeam;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Grove's intake as a process of its own, for the durable-intake benchmark: {@code grove serve} as production wires
 * it ({@code GroveServer.start}, configured from this process's {@code GROVE_*} environment), with either the real
 * durable job queue, its consumer paused ({@code durable}: every delivery stays recorded as queued), or the no-op
 * queue ({@code nothing}: intake before any recording). On SIGTERM it writes how many deliveries its queue holds (or
 * the no-op received) to the file given, then closes.
 *
 * <p>Usage: {@code IntakeServer durable|nothing COUNT_FILE}
 */
public final class IntakeServer {
    private IntakeServer() {
    }

    public static void main(String[] args) throws Exception {
        AppConfig config = AppConfig.fromEnv(System.getenv());
        Path countFile = Path.of(args[1]);
        if (args[0].equals("nothing")) {
            IntakeBench.Sink sink = new IntakeBench.Sink();
            GroveServer server = GroveServerSeam.startWithIntakeSink(config, sink);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                write(countFile, sink.received.get());
                server.close();
            }));
        } else if (args[0].equals("durable")) {
            GroveServerSeam.Durable grove = GroveServerSeam.startDurable(config);
            grove.jobs().pause(); // the consumer takes no job: intake alone is timed
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                write(countFile, grove.jobs().pending());
                grove.close();
            }));
        } else {
            throw new IllegalArgumentException("usage: IntakeServer durable|nothing COUNT_FILE");
        }
        Thread.currentThread().join();
    }

    private static void write(Path file, long count) {
        try {
            Files.writeString(file, Long.toString(count));
        } catch (java.io.IOException e) {
            System.err.println("cannot write " + file + ": " + e);
        }
    }

    /** What the process wrote at its end, once it has exited. */
    static long count(Path file) throws java.io.IOException {
        if (!Files.exists(file)) throw new IllegalStateException("the intake server wrote no count to " + file);
        return Long.parseLong(Files.readString(file).trim());
    }
}
