package dev.chorus.app;

import dev.chorus.tts.InvalidInputException;
import io.netty.channel.uring.IoUring;

import java.util.Locale;

/**
 * The network transport of every listener and client in the process ({@code server.transport}): io_uring where
 * the kernel allows it, else epoll (Java NIO where neither is, as on a system other than Linux). io_uring hands a connection's reads and writes to the kernel in
 * batches, so a small answer (a cache hit) costs the server about a tenth less CPU than with epoll (see
 * docs/benchmarks.md).
 *
 * <p>Design: the network library reads its transport once, from a system property, when it first starts; the
 * choice is therefore made right after the settings are read, before any listener or client exists. Where the
 * kernel refuses io_uring (a container whose seccomp profile forbids it, a kernel with
 * {@code kernel.io_uring_disabled} set, or one older than 5.14), {@code auto} takes epoll without a word;
 * {@code io_uring} named explicitly is then a startup error that says why.
 */
final class Transport {

    /** The network library's property that names its transport. */
    static final String PROPERTY = "com.linecorp.armeria.transportType";

    private Transport() {
    }

    /**
     * Decides the transport for {@code setting} ({@code auto}, {@code io_uring}, {@code epoll} or {@code nio}),
     * makes it the process's own, and returns how to name it in the startup line; {@code source} names where the
     * setting came from, for an error.
     */
    static String apply(String setting, String source) {
        String chosen = choose(setting, source);
        if (chosen == null) { // auto without io_uring: the library's own default (epoll on Linux)
            Throwable why = IoUring.unavailabilityCause();
            return "default (io_uring unavailable" + (why == null ? "" : ": " + why.getMessage()) + ")";
        }
        System.setProperty(PROPERTY, chosen);
        return chosen;
    }

    /**
     * Returns the transport {@code setting} means on this machine ({@code null}: the library's default), or throws
     * when it cannot be had here.
     */
    static String choose(String setting, String source) {
        String s = setting.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (s) {
            case "auto" -> IoUring.isAvailable() ? "io_uring" : null;
            case "io_uring", "iouring" -> {
                if (!IoUring.isAvailable()) {
                    throw new InvalidInputException("server.transport", "server.transport: io_uring is not available"
                            + " here (" + IoUring.unavailabilityCause() + "; from " + source + "); use auto or epoll");
                }
                yield "io_uring";
            }
            case "epoll", "nio" -> s;
            default -> throw new InvalidInputException("server.transport", "server.transport: '" + setting.trim()
                    + "' (expected: auto, io_uring, epoll or nio; from " + source + ")");
        };
    }
}
