package dev.chorus.server.internal;

import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.server.ServiceRequestContext;
import io.netty.util.AsciiString;
import io.netty.util.AttributeKey;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The headers that the server's decorators and the speech pipeline add to one request's response (its ids, trace
 * headers, the voice), collected here and put into the response's headers once.
 *
 * <p>Design: Armeria's additional response headers copy every header at each change and are merged, validating
 * each value again, when the response's headers are written; with four to eight of them per request that was the
 * largest single cost of a cache hit. Here a request's headers are appended to one small array. A front end that
 * builds its own headers takes them in the same builder ({@link #applyTo}), so a response answered before the
 * outermost decorator returns (a memory cache hit) needs no merge. Any other response gets them as Armeria's
 * additional headers, in one change, when that decorator returns ({@link #handOff}); later ones go there
 * directly. The state changes under one lock, so each header reaches the response exactly once. As with
 * additional headers, these override the response's own headers of the same name, and a header added after the
 * response's headers went out is not sent. Thread-safe.
 */
public final class ResponseHeaderSink {

    private enum State { COLLECTING, APPLIED, HANDED_OFF }

    private static final AttributeKey<ResponseHeaderSink> KEY =
            AttributeKey.valueOf(ResponseHeaderSink.class, "SINK");

    /**
     * The header names seen so far, checked and lower-cased once: a name given as a string is otherwise checked,
     * lower-cased and copied again for every response. Bounded, though the server sets a dozen names at most.
     */
    private static final ConcurrentHashMap<String, AsciiString> NAMES = new ConcurrentHashMap<>();
    private static final int MAX_NAMES = 64;

    private final ServiceRequestContext ctx;
    /** Names and values in turn; room for the date, ids, trace headers and cache result without growing. */
    private String[] pairs = new String[20];
    private int size;
    private State state = State.COLLECTING;

    private ResponseHeaderSink(ServiceRequestContext ctx) {
        this.ctx = ctx;
    }

    /**
     * Gives {@code ctx} a sink holding the {@code date} header (see {@link HttpDate}); the outermost decorator calls
     * it once per request.
     */
    static ResponseHeaderSink attach(ServiceRequestContext ctx) {
        ResponseHeaderSink sink = new ResponseHeaderSink(ctx);
        sink.pairs[0] = "date";
        sink.pairs[1] = HttpDate.now();
        sink.size = 2;
        ctx.setAttr(KEY, sink);
        return sink;
    }

    /** Returns the sink of {@code ctx}, or {@code null} when it has none (a server without the decorator). */
    public static ResponseHeaderSink of(ServiceRequestContext ctx) {
        return ctx == null ? null : ctx.attr(KEY);
    }

    /**
     * Sets response header {@code name} (lower case) of the request {@code ctx} to {@code value}: in its sink, or as
     * an Armeria additional header when it has none.
     */
    public static void set(ServiceRequestContext ctx, String name, String value) {
        ResponseHeaderSink sink = of(ctx);
        if (sink == null) {
            ctx.setAdditionalResponseHeader(name, value);
        } else {
            sink.set(name, value);
        }
    }

    /** Sets header {@code name} (lower case) to {@code value}, replacing an earlier value. */
    public synchronized void set(String name, String value) {
        if (state != State.COLLECTING) {
            ctx.setAdditionalResponseHeader(name, value);
            return;
        }
        for (int i = 0; i < size; i += 2) {
            if (pairs[i].equals(name)) {
                pairs[i + 1] = value;
                return;
            }
        }
        if (size == pairs.length) {
            pairs = Arrays.copyOf(pairs, size * 2);
        }
        pairs[size++] = name;
        pairs[size++] = value;
    }

    /**
     * Adds the collected headers to {@code headers} (replacing those of the same name): a front end calls this while
     * building its response's headers. Once they were handed to Armeria instead, it adds nothing (Armeria merges
     * them when the headers are written).
     */
    public synchronized ResponseHeadersBuilder applyTo(ResponseHeadersBuilder headers) {
        if (state == State.COLLECTING) {
            for (int i = 0; i < size; i += 2) {
                headers.set(name(pairs[i]), pairs[i + 1]);
            }
            state = State.APPLIED;
        }
        return headers;
    }

    /**
     * Unless a front end took the headers already, hands them to Armeria as additional response headers, in one
     * change; headers set afterwards go there too.
     */
    synchronized void handOff() {
        if (state != State.COLLECTING) {
            return;
        }
        state = State.HANDED_OFF;
        if (size > 0) {
            ctx.mutateAdditionalResponseHeaders(h -> {
                for (int i = 0; i < size; i += 2) {
                    h.set(name(pairs[i]), pairs[i + 1]);
                }
            });
        }
    }

    /** Returns header {@code name} checked and lower-cased, from the table of names once seen. */
    private static CharSequence name(String name) {
        AsciiString known = NAMES.get(name);
        if (known != null) {
            return known;
        }
        AsciiString checked = HttpHeaderNames.of(name);
        if (NAMES.size() < MAX_NAMES) {
            NAMES.putIfAbsent(name, checked);
        }
        return checked;
    }
}
