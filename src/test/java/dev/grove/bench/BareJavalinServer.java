package dev.grove.bench;

/**
 * The floor as its own process, for the memory benchmark: {@link IntakeBench#bareJavalin()} on the port given as
 * the first argument, until killed.
 */
public final class BareJavalinServer {
    private BareJavalinServer() {
    }

    public static void main(String[] args) throws Exception {
        IntakeBench.BareServer server = IntakeBench.bareJavalin(Integer.parseInt(args[0]));
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        Thread.currentThread().join();
    }
}
