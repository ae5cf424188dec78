package dev.chorus.app;

import dev.chorus.tts.InvalidInputException;
import io.netty.channel.uring.IoUring;

import java.util.Locale;

/**
 * The network transport of every listener and client in the process ({@code server.transport}): {@code auto}, the
 * default, is the network library's own choice (epoll on Linux); {@code io_uring} hands a connection's reads and
 * writes to the kernel in batches, so a small answer (a cache hit) costs the server less CPU (see
 * docs/benchmarks.md), but a client that half-closes its connection once it has sent its request (a shutdown of its
 * sending side, as some command-line tools do) may then get no answer: the transport closes the connection when it
 * reads the end of input, before the answer went out. It is for servers whose clients keep their connections
 * open, such as those behind a proxy.
 *
 * <p>Design: the network library reads its transport once, from a system property, when it first starts; the
 * choice is therefore made right after the settings are read, before any listener or client exists. Where the
 * kernel refuses io_uring (a container whose seccomp profile forbids it, a kernel with
 * {@code kernel.io_uring_disabled} set, or one older than 5.14), {@code io_uring} is a startup error that says why.
 */
final class Transport {

    /** The network library's property that names its transport. */
    static final String PROPERTY = "com.linecorp.armeria.transportType";

    private Transport() {
    }

    /**
     * Decides the transport for {@code setting} ({@code auto}, {@code io_uring}, {@code epoll} or {@code nio}) and
     * makes it the process's own; {@code source} names where the setting came from, for an error.
     */
    static void apply(String setting, String source) {
        String chosen = choose(setting, source);
        if (chosen != null) {
            System.setProperty(PROPERTY, chosen);
        }
    }

    /**
     * Returns the transport {@code setting} means on this machine ({@code null}: the library's default), or throws
     * when it cannot be had here.
     */
    static String choose(String setting, String source) {
        String s = setting.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        return switch (s) {
            case "auto" -> null;
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
