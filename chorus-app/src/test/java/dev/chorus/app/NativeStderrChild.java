package dev.chorus.app;

/**
 * A process for {@link NativeStderrTest}: logs as {@code chorus serve} does (JSON), captures native standard
 * error, then writes to descriptor 2 the way a native library does, and logs one line of its own.
 */
public final class NativeStderrChild {

    private NativeStderrChild() {
    }

    public static void main(String[] args) throws Throwable {
        Logging.configure();
        Logging.apply("json", false);
        // The JSON format reads the request context of each line; that loads the HTTP framework, which takes a
        // few seconds on a busy machine: done here, before the timed part.
        dev.chorus.server.LogFormats.forName("json").format(new java.util.logging.LogRecord(
                java.util.logging.Level.INFO, "warm-up"));
        if (NativeStderr.capture() == null) {
            System.exit(3);
        }
        new NativeStderr.Libc().write(2, "Error: \"voice\" not found {oops\npartial line without newline");
        System.getLogger("dev.chorus.test").log(System.Logger.Level.WARNING, "a line of the program's own");
        new NativeStderr.Libc().write(2, "\n");
        Thread.sleep(500);
        for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
            h.flush();
        }
        System.exit(0);
    }
}
