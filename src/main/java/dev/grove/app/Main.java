package dev.grove.app;

import java.nio.file.Files;
import java.nio.file.Path;

/** {@code grove serve | demo [folder] | help}. */
public final class Main {
    static final String USAGE = """
            usage: java -jar grove.jar <command>
              serve          run the GitHub App (settings from GROVE_* environment variables; see README.md)
              runner         take jobs from the shared database (GROVE_DATABASE_URL), with no webhook port
              demo [folder]  the whole flow offline: sample repository, local origin, example agent, 3 tasks
              help           this text
            """;

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "serve" -> serve(false);
            case "runner" -> serve(true);
            case "demo" -> {
                Path dir = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("grove-demo-");
                System.exit(new Demo(System.out).run(dir));
            }
            case "help", "--help", "-h" -> System.out.print(USAGE);
            default -> {
                System.err.print("unknown command: " + command + "\n" + USAGE);
                System.exit(2);
            }
        }
    }

    private static void serve(boolean runnerOnly) throws Exception {
        AppConfig config;
        try {
            config = AppConfig.fromEnv(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        GroveServer server = runnerOnly ? GroveServer.startRunner(config) : GroveServer.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown, "grove-shutdown"));
        Thread.currentThread().join();
    }
}
