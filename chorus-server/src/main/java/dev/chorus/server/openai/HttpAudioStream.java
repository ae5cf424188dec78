package dev.chorus.server.openai;

import dev.chorus.audio.SignalQuality;

import dev.chorus.service.AudioOutput;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpHeaderNames;
import com.linecorp.armeria.common.HttpHeaders;
import com.linecorp.armeria.common.HttpObject;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpResponseWriter;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.ResponseHeaders;
import com.linecorp.armeria.common.ResponseHeadersBuilder;
import com.linecorp.armeria.common.util.TimeoutMode;
import com.linecorp.armeria.server.ServiceRequestContext;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Timing;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.server.internal.ResponseHeaderSink;
import dev.chorus.server.internal.SlowReaderException;
import dev.chorus.server.telemetry.RequestTelemetry;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;

import io.netty.buffer.Unpooled;
import io.netty.util.AsciiString;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams a synthesis as an HTTP response body. The status line and headers wait for the first audio, so an
 * error before it (an engine failure, the deadline) is still an ordinary JSON error with its status; after it, an
 * error ends the stream in the way the subclass defines. Subclasses frame the bytes (raw audio or SSE events).
 */
abstract class HttpAudioStream implements AudioOutput {

    private static final AsciiString VOICE_HEADER = HttpHeaderNames.of("x-chorus-voice");
    private static final AsciiString SAMPLE_RATE_HEADER = HttpHeaderNames.of("x-chorus-sample-rate");

    /** Time a client gets, beyond the audio's own length, to read what is left once synthesis is done. */
    private static final Duration DRAIN_MARGIN = Duration.ofSeconds(60);

    /** The streamed response, made when first needed (a replayed body answered at once needs none). */
    private volatile HttpResponseWriter writer;
    /** A replayed body's whole response, when it was ready before anyone asked for the response; guarded by this. */
    private HttpResponse whole;
    private final ServiceRequestContext ctx;
    private VoiceInfo voice;
    private int sampleRate;
    private boolean started;
    private long contentLength = -1;
    private final List<String> warnings = new ArrayList<>();
    private boolean quality;
    private long maxUnreadBytes = Long.MAX_VALUE;
    private long pauseBytes = Long.MAX_VALUE;
    private Duration stallTimeout = Duration.ofSeconds(30);
    /** Bytes handed to the writer so far (engine threads, one at a time; read by the event loop). */
    private volatile long written;
    /** Bytes of those the response has taken to the connection (updated from the event loop). */
    private final AtomicLong consumed = new AtomicLong();
    /** The synthesis's resume while it waits for the client to read, else null. */
    private final AtomicReference<Runnable> waiting = new AtomicReference<>();

    /** The stall watch now scheduled, or null; cancelled when the response ends. */
    private volatile java.util.concurrent.ScheduledFuture<?> stallWatch;

    HttpAudioStream(ServiceRequestContext ctx) {
        this.ctx = ctx;
    }

    /** Returns the streamed response, making it on first use. */
    private HttpResponseWriter writer() {
        HttpResponseWriter w = writer;
        if (w != null) {
            return w;
        }
        synchronized (this) {
            if (writer == null) {
                HttpResponseWriter made = HttpResponse.streaming();
                // A response that ended (the client left, or it was cut) holds nothing for the rest of a stall
                // watch: the paused synthesis and the audio it waited with can go at once, not after
                // limits.stall-timeout.
                made.whenComplete().handle((ok, error) -> {
                    waiting.set(null);
                    java.util.concurrent.ScheduledFuture<?> watch = stallWatch;
                    if (watch != null) {
                        watch.cancel(false);
                    }
                    return null;
                });
                writer = made;
            }
            return writer;
        }
    }

    /**
     * Sets how many bytes may wait for the client to read them; past that the response ends with an error and
     * the synthesis stops (see {@link #write}).
     */
    final HttpAudioStream maxUnreadBytes(long n) {
        this.maxUnreadBytes = n;
        return this;
    }

    /**
     * Sets the backpressure: past {@code pauseBytes} unread the synthesis pauses until the client has read the
     * excess, and a client that reads nothing for {@code stallTimeout} while audio waits is cut, its request
     * recorded as {@code stalled}.
     */
    final HttpAudioStream backpressure(long pauseBytes, Duration stallTimeout) {
        this.pauseBytes = pauseBytes;
        this.stallTimeout = stallTimeout;
        return this;
    }

    /** Asks for the audio's signal checks at the end of the body (see {@link #writeQuality}). */
    final HttpAudioStream quality(boolean on) {
        this.quality = on;
        return this;
    }

    /** Whether the request asked for the signal checks. */
    final boolean wantsQuality() {
        return quality;
    }

    /**
     * Writes the signal checks after a successful body, when asked for; the default sends them as the trailer
     * {@value #QUALITY_HEADER} (announced in the {@code trailer} header), as {@code key=value} pairs joined by
     * {@code ;}.
     */
    void writeQuality(SignalQuality q) {
        if (q == null) {
            return;
        }
        StringBuilder b = new StringBuilder();
        qualityFields(q).forEach((k, v) -> b.append(b.isEmpty() ? "" : ";").append(k).append('=')
                .append(v == null ? "-inf" : v));
        if (!writer().tryWrite(HttpHeaders.of(QUALITY_HEADER, b.toString()))) {
            throw new IllegalStateException("the client closed the response stream");
        }
    }

    /** The trailer that carries the signal checks. */
    static final String QUALITY_HEADER = "x-chorus-quality";

    /** Returns the signal checks as named numbers, in a fixed order; null for a loudness of minus infinity. */
    static java.util.LinkedHashMap<String, Number> qualityFields(SignalQuality q) {
        java.util.LinkedHashMap<String, Number> m = new java.util.LinkedHashMap<>();
        m.put("seconds", round(q.seconds(), 3));
        m.put("clipping_ratio", round(q.clippingRatio(), 6));
        m.put("silence_ratio", round(q.silenceRatio(), 4));
        m.put("loudness_lufs", Double.isFinite(q.loudnessLufs()) ? round(q.loudnessLufs(), 2) : null);
        m.put("dc_offset", round(q.dcOffset(), 6));
        m.put("snr_db", round(q.snrDb(), 2));
        return m;
    }

    private static double round(double v, int places) {
        return java.math.BigDecimal.valueOf(v).setScale(places, java.math.RoundingMode.HALF_EVEN).doubleValue();
    }

    /** Returns the response to hand to Armeria. */
    final synchronized HttpResponse response() {
        return whole != null ? whole : writer();
    }

    /** Whether the response is a replayed body answered whole (nothing is left to stop when the client leaves). */
    final synchronized boolean answeredWhole() {
        return whole != null;
    }

    /** Returns the content type of the body. */
    abstract MediaType contentType();

    /** Writes the frame(s) for a run of encoded audio. */
    abstract void writeAudio(byte[] bytes);

    /** Writes the frames that end a successful stream (not counting the final encoded bytes). */
    abstract void writeEnd(SynthesisSummary summary);

    /** Ends a stream that already sent audio after {@code error}. */
    abstract void writeError(ChorusException error);

    /** Writes a timing, if this kind of body carries timings; the default drops it. */
    void writeTiming(Timing timing) {
    }

    /** Whether this body is the encoded bytes themselves, so a known total is its content length. */
    boolean rawBytes() {
        return false;
    }

    @Override
    public final void knownLength(long bytes) {
        if (rawBytes()) {
            contentLength = bytes;
        }
    }

    /** A raw body replayed from the cache goes out whole, from the cache's own buffer. */
    @Override
    public final boolean takesWholeBody() {
        return rawBytes();
    }

    /**
     * Writes a replayed body as one piece of known length (one write and one flush), wrapping the cache's direct
     * buffer rather than copying it. It is shared by every hit, so it costs a slow reader nothing and is not
     * counted against the unread bound. When nobody has asked for the response yet (a hit answered before the route
     * returns), the response is a fixed one of headers and body, which costs Armeria less than a stream.
     */
    @Override
    public final void whole(ByteBuffer audio, SynthesisSummary summary) {
        contentLength = audio.remaining();
        HttpData body = HttpData.wrap(Unpooled.wrappedBuffer(audio));
        synchronized (this) {
            if (writer == null && !started) {
                started = true;
                // Not HttpResponse.of(headers, body), which copies the headers to set the content length again.
                // The body ends the stream, so Armeria writes no empty last piece after it.
                whole = HttpResponse.of(new HttpObject[] {headers(), body.withEndOfStream()});
                drainTimeout(summary);
                return;
            }
        }
        startIfNeeded();
        if (!writer().tryWrite(body)) {
            throw new IllegalStateException("the client closed the response stream");
        }
        writeEnd(summary);
        closeAfterDrain(summary);
    }

    /** Whether this body carries timings (its headers then go out with the first timing too). */
    boolean carriesTimings() {
        return false;
    }

    @Override
    public final void warning(String warning) {
        warnings.add(warning);
    }

    @Override
    public final void event(Timing timing) {
        if (carriesTimings()) {
            startIfNeeded();
            writeTiming(timing);
        }
    }

    @Override
    public final void start(VoiceInfo v, int rate) {
        this.voice = v;
        this.sampleRate = rate;
    }

    @Override
    public final void audio(byte[] bytes, long firstSample) {
        startIfNeeded();
        writeAudio(bytes);
    }

    @Override
    public final void complete(byte[] tail, SynthesisSummary summary) {
        startIfNeeded();
        if (tail.length > 0) {
            writeAudio(tail);
        }
        writeEnd(summary);
        if (quality) {
            writeQuality(summary.quality());
        }
        closeAfterDrain(summary);
    }

    /** Closes the body once queued, giving a slow reader the audio's own length plus a margin to take it. */
    private void closeAfterDrain(SynthesisSummary summary) {
        drainTimeout(summary);
        writer().close();
    }

    /** Gives a slow reader the audio's own length plus a margin to take what is left. */
    private void drainTimeout(SynthesisSummary summary) {
        ctx.setRequestTimeout(TimeoutMode.SET_FROM_NOW,
                Duration.ofMillis((long) (summary.audioSeconds() * 1000)).plus(DRAIN_MARGIN));
    }

    @Override
    public final void error(ChorusException error) {
        synchronized (this) {
            if (whole != null) {
                return; // Answered whole already.
            }
        }
        HttpResponseWriter w = writer();
        if (!w.isOpen()) {
            return;
        }
        if (!started) {
            w.close(ApiErrors.of(error).toResponse());
        } else {
            writeError(error);
        }
    }

    /**
     * Writes one piece of the body; throws when the client has gone, which cancels the synthesis. The writer
     * queues what the connection cannot take yet: once more than the unread limit waits there (a client that
     * stopped reading), this throws too, so a stalled reader costs a bounded amount of memory.
     */
    final void write(HttpData data) {
        long unread = written - consumed.get();
        if (unread + data.length() > maxUnreadBytes) {
            markStalled();
            throw new SlowReaderException(maxUnreadBytes);
        }
        HttpResponseWriter w = writer();
        if (!w.tryWrite(data)) {
            throw new IllegalStateException("the client closed the response stream");
        }
        long mark = written + data.length();
        written = mark;
        w.whenConsumed().thenRun(() -> {
            consumed.accumulateAndGet(mark, Math::max);
            resumeIfDrained();
        });
    }

    @Override
    public final boolean writable() {
        return written - consumed.get() <= pauseBytes;
    }

    /**
     * Resumes the synthesis once the client has read below the pause mark; until then a timer watches that the
     * client reads at all.
     */
    @Override
    public final void whenWritable(Runnable resume) {
        waiting.set(resume);
        resumeIfDrained();
        if (waiting.get() == resume) {
            watchStall(resume, consumed.get());
        }
    }

    private void markStalled() {
        RequestTelemetry rt = ctx.attr(RequestTelemetry.KEY);
        if (rt != null) {
            rt.stalled();
        }
    }

    private void resumeIfDrained() {
        if (written - consumed.get() <= pauseBytes) {
            Runnable r = waiting.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }
    }

    /** Cuts the response if, {@link #stallTimeout} from now, the client is still waited for and read nothing. */
    private void watchStall(Runnable resume, long consumedBefore) {
        stallWatch = ctx.eventLoop().schedule(() -> {
            if (waiting.get() != resume) {
                return;
            }
            long now = consumed.get();
            if (now != consumedBefore) {
                watchStall(resume, now);
                return;
            }
            if (waiting.compareAndSet(resume, null)) {
                markStalled();
                // At once, not after the unread audio (which the client is not taking): the connection closes,
                // the synthesis is cancelled and what waited is released.
                writer().abort(new SlowReaderException(stallTimeout));
            }
        }, stallTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** Aborts the response, so the client sees a stream that ended early rather than a complete one. */
    final void abort(Throwable cause) {
        writer().close(cause);
    }

    /** Closes the response normally. */
    final void close() {
        writer().close();
    }

    private void startIfNeeded() {
        if (started) {
            return;
        }
        started = true;
        if (!writer().tryWrite(headers())) {
            throw new IllegalStateException("the client closed the response stream");
        }
    }

    /** Builds the response's headers, with the request's own (ids, trace, date) from its sink. */
    private ResponseHeaders headers() {
        ResponseHeadersBuilder b = ResponseHeaders.builder(HttpStatus.OK)
                .contentType(contentType())
                .set(VOICE_HEADER, voice.id())
                .setInt(SAMPLE_RATE_HEADER, sampleRate);
        if (contentLength >= 0 && !quality) {
            b.contentLength(contentLength);
        }
        if (quality) {
            b.set("trailer", QUALITY_HEADER);
        }
        if (!warnings.isEmpty()) {
            // Header values must be one line of visible ASCII; warnings name elements and positions only.
            b.set("x-chorus-warnings", String.join("; ", warnings).replaceAll("[^\\x20-\\x7e]", "?"));
        }
        ResponseHeaderSink sink = ResponseHeaderSink.of(ctx);
        return (sink == null ? b : sink.applyTo(b)).build();
    }
}
