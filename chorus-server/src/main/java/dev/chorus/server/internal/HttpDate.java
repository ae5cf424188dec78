package dev.chorus.server.internal;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The {@code date} response header's value (RFC 9110's IMF-fixdate, {@code Sat, 05 Dec 2026 11:34:52 GMT}), formatted
 * once per second and shared by every response of that second.
 *
 * <p>Design: the server sets {@code date} itself, through each request's {@link ResponseHeaderSink}, instead of
 * letting Armeria add it: Armeria adds its date header by copying a response's finished headers into a new builder,
 * validating every value again, which for a cache hit cost more than building the headers. Thread-safe.
 */
public final class HttpDate {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    /** The second and its formatted value, replaced together. */
    private record Stamp(long second, String value) {
    }

    private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

    private HttpDate() {
    }

    /** Returns the header value for the current second. */
    public static String now() {
        return at(System.currentTimeMillis());
    }

    /** Returns the header value for the second that holds {@code epochMillis}. */
    static String at(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Stamp s = last;
        if (s.second() != second) {
            s = new Stamp(second, FORMAT.format(Instant.ofEpochSecond(second)));
            last = s;
        }
        return s.value();
    }
}
