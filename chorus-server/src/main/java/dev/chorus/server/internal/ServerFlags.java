package dev.chorus.server.internal;

import com.linecorp.armeria.common.FlagsProvider;

/**
 * Armeria defaults this server changes (found through {@code ServiceLoader}; a {@code -Dcom.linecorp.armeria.*}
 * system property still wins).
 *
 * <p>An HTTP/1.1 connection whose client sent {@code Connection: close} is closed as soon as the response is
 * written. Armeria otherwise keeps it open 3 s for the client to close first (to spare the server a TIME_WAIT
 * socket), so a client that waits for the end of the connection, as {@code Connection: close} allows, waits 3 s.
 */
public final class ServerFlags implements FlagsProvider {

    @Override
    public int priority() {
        return 100; // Above Armeria's defaults, below its system-property provider.
    }

    @Override
    public String name() {
        return "chorus";
    }

    @Override
    public Long defaultHttp1ConnectionCloseDelayMillis() {
        return 0L;
    }
}
