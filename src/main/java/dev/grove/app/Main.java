package dev.grove.app;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import io.javalin.util.JavalinBindException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code grove serve | demo [folder] | setup [folder] | --version | help}. */
public final class Main {
    static final String USAGE = """
            usage: java -jar grove.jar <command>
              serve          run the GitHub App (settings from GROVE_* environment variables; see README.md)
              runner         take jobs from the shared database (GROVE_DATABASE_URL), with no webhook port
              demo [folder]  the whole flow offline: sample repository, local origin, example agent, 3 tasks
              setup [folder] register the GitHub App from app-manifest.yml and write its settings into folder
              --version      the version of this build
              help           this text
            """;

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "serve", "runner" -> {
                if (!configureLogging(System.getenv())) System.exit(2);
                System.exit(serve(System.getenv(), command.equals("runner")));
            }
            case "setup" -> {
                if (!configureLogging(System.getenv())) System.exit(2);
                System.exit(Setup.run(args, System.getenv(), System.out));
            }
            case "demo" -> {
                Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("grove-demo-");
                System.exit(new Demo(System.out).run(dir));
            }
            case "--version", "version", "-V" -> System.out.println("grove " + version());
            case "help", "--help", "-h" -> System.out.print(USAGE);
            default -> {
                System.err.print("unknown command: " + command + "\n" + USAGE);
                System.exit(2);
            }
        }
    }

    /** The version this jar was built as (the pom's), from a resource the build writes. */
    public static String version() {
        try (InputStream in = Main.class.getResourceAsStream("/dev/grove/version.properties")) {
            if (in == null) return "unknown";
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code GROVE_LOG_FORMAT}: {@code text} (the default: a line per event with its time) or {@code json} (one JSON
     * object per line). False, with the reason printed, for any other value.
     */
    static boolean configureLogging(Map<String, String> env) {
        String format = env.getOrDefault("GROVE_LOG_FORMAT", "text").trim();
        if (format.isEmpty() || format.equals("text")) return true;
        if (!format.equals("json")) {
            System.err.println("Grove cannot start: GROVE_LOG_FORMAT must be text or json, not '" + format + "'.");
            return false;
        }
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        try {
            joran.doConfigure(Main.class.getResource("/grove-logback-json.xml"));
        } catch (JoranException e) {
            throw new IllegalStateException("the JSON log configuration in the jar is broken", e);
        }
        return true;
    }

    /**
     * Runs the server until the process is stopped; returns 2 at once if it cannot start, after logging one sentence
     * that names the setting to fix (no stack trace).
     */
    static int serve(Map<String, String> env, boolean runnerOnly) throws InterruptedException {
        Logger log = LoggerFactory.getLogger(Main.class);
        AppConfig config;
        GroveServer server;
        try {
            config = AppConfig.fromEnv(env);
            DataDir.claim(config.dataDir());
            server = runnerOnly ? GroveServer.startRunner(config) : GroveServer.start(config);
        } catch (IllegalArgumentException e) {
            log.error(oneLine(e.getMessage().startsWith("Grove cannot start") ? e.getMessage()
                    : "Grove cannot start: " + e.getMessage()));
            return 2;
        } catch (JavalinBindException e) {
            log.error("Grove cannot start: port {} is already in use; set GROVE_PORT to a free port, or stop the "
                    + "program that holds it.", env.getOrDefault("GROVE_PORT", "8080"));
            return 2;
        } catch (IOException | RuntimeException e) {
            log.error(oneLine("Grove cannot start: " + e.getMessage()));
            return 2;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "grove-shutdown"));
        Thread.currentThread().join();
        return 0;
    }

    /** "Grove cannot start:\n  - A\n  - B" as one line: "Grove cannot start: A; B". */
    static String oneLine(String message) {
        String m = message.replace(":\n  - ", ": ").replace("\n  - ", "; ").replace('\n', ' ').strip();
        return m.endsWith(".") ? m : m + ".";
    }
}
