package dev.chorus.server.wyoming;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.server.internal.ApiErrors;
import dev.chorus.server.telemetry.SessionTelemetry;
import dev.chorus.server.tenant.Tenant;
import dev.chorus.service.ApiException;
import dev.chorus.service.PreparedSpeech;
import dev.chorus.service.SpeechInput;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisOptions;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.Locale;

/**
 * One Wyoming connection, served on its own virtual thread: reads events in order and answers them. {@code describe}
 * gets {@code info}; {@code synthesize} gets {@code audio-start}, {@code audio-chunk}s and {@code audio-stop};
 * {@code synthesize-start}, {@code synthesize-chunk}s and {@code synthesize-stop} get that for each sentence as it
 * completes, then {@code synthesize-stopped}; {@code ping} gets {@code pong}; other events are ignored, as the
 * protocol asks. Bad input gets an {@code error} event and the connection stays open; a broken frame gets an
 * {@code error} event and the connection is closed.
 *
 * <p>Each synthesis goes through the speech pipeline ({@code prepare}, then {@code serve}) like any other front
 * end's: tenant admission, content rules, the cache and telemetry apply. Audio reaches this thread through a
 * {@link QueuedAudio}, so the engines never wait for the socket.
 */
final class WyomingConnection implements Runnable {

    private static final System.Logger LOG = System.getLogger(WyomingConnection.class.getName());

    /** Samples per {@code audio-chunk}, as Piper's Wyoming server sends them. */
    static final int SAMPLES_PER_CHUNK = 1024;
    /** A connection that sends nothing for this long is closed. */
    static final Duration IDLE_TIMEOUT = Duration.ofMinutes(5);
    /** Extra time the connection waits for the pipeline beyond the synthesis deadline, so the deadline wins. */
    private static final Duration DEADLINE_MARGIN = Duration.ofSeconds(10);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    /** What a refused connection may still send before it is closed, in bytes. */
    private static final int DRAIN_BYTES = 1 << 20;

    private final WyomingServer server;
    private final Socket socket;
    private final String id;
    private OutputStream out;
    /** The connection's tenant, fixed by the port or by the key of its first event; null on an open server. */
    private String tenantId;
    private boolean identified;
    private Stream stream;
    private volatile boolean busy;

    /** How one synthesis ended for the connection. */
    private enum Outcome { SPOKEN, REFUSED, CLOSED }

    /** A streamed synthesis in progress: its voice and the text not yet spoken. */
    private static final class Stream {
        final String voice;
        final String language;
        final SentenceBuffer text;
        boolean failed;

        Stream(String voice, String language, SentenceBuffer text) {
            this.voice = voice;
            this.language = language;
            this.text = text;
        }
    }

    WyomingConnection(WyomingServer server, Socket socket, String id) {
        this.server = server;
        this.socket = socket;
        this.id = id;
    }

    /** Tells whether an event is being answered now (a drain lets it finish). */
    boolean busy() {
        return busy;
    }

    /** Closes the socket; the connection's thread then ends. */
    void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that was asked.
        }
    }

    @Override
    public void run() {
        try (socket) {
            socket.setSoTimeout((int) IDLE_TIMEOUT.toMillis());
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
            out = socket.getOutputStream();
            EventCodec codec = new EventCodec(server.config().maxRequestBytes());
            while (!server.draining()) {
                WyomingEvent event;
                try {
                    event = codec.read(in);
                } catch (ProtocolException e) {
                    send(error(e.code(), e.getMessage()));
                    closeAfterError(in);
                    return;
                }
                if (event == null) {
                    return;
                }
                busy = true;
                try {
                    if (!answer(event)) {
                        closeAfterError(in);
                        return;
                    }
                } finally {
                    busy = false;
                }
            }
        } catch (IOException e) {
            // The client left, its idle time ran out, or the server closed the connection: nothing to answer.
            LOG.log(System.Logger.Level.DEBUG, "wyoming connection {0} ended: {1}", id, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, "wyoming connection " + id + " failed", e);
        } finally {
            server.closed(this);
        }
    }

    /**
     * Ends a connection after its last {@code error} event: stops sending, then reads and drops what the client
     * still sends (at most {@value #DRAIN_BYTES} bytes for at most a second), so that closing does not reset the
     * connection and lose the error before the client has read it.
     */
    private void closeAfterError(InputStream in) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(1000);
            long deadline = System.nanoTime() + 1_000_000_000L;
            long drained = 0;
            byte[] sink = new byte[8192];
            for (int n; drained < DRAIN_BYTES && System.nanoTime() < deadline && (n = in.read(sink)) >= 0; ) {
                drained += n;
            }
        } catch (IOException e) {
            // The client has gone or is silent: close now.
        }
    }

    /** Answers one event; returns false when the connection must close. */
    private boolean answer(WyomingEvent e) throws IOException {
        if (!identified && !identify(e)) {
            return false;
        }
        switch (e.type()) {
            case "describe" -> send(EventCodec.encode("info", server.info().data(this::mayUse)));
            case "ping" -> {
                ObjectNode d = F.objectNode();
                if (e.text("text") != null) {
                    d.put("text", e.text("text"));
                }
                send(EventCodec.encode("pong", d));
            }
            case "synthesize" -> {
                // Inside a stream, clients send the whole text again for servers without streaming: ignore it.
                if (stream == null) {
                    String text = e.text("text");
                    ObjectNode voice = e.object("voice");
                    return speak(text == null ? "" : text, voiceName(voice), voiceLanguage(voice)) != Outcome.CLOSED;
                }
            }
            case "synthesize-start" -> startStream(e);
            case "synthesize-chunk" -> {
                if (stream == null) {
                    send(error("invalid_event", "synthesize-chunk: no stream started (expected: synthesize-start "
                            + "first)"));
                } else if (!stream.failed) {
                    String text = e.text("text");
                    for (String sentence : stream.text.add(text == null ? "" : text)) {
                        if (!speakInStream(sentence)) {
                            return false;
                        }
                    }
                }
            }
            case "synthesize-stop" -> {
                if (stream == null) {
                    send(error("invalid_event", "synthesize-stop: no stream started (expected: synthesize-start "
                            + "first)"));
                    return true;
                }
                String rest = stream.text.finish();
                if (!stream.failed && !rest.isEmpty() && !speakInStream(rest)) {
                    return false;
                }
                boolean failed = stream.failed;
                stream = null;
                if (!failed) {
                    send(EventCodec.encode("synthesize-stopped", null));
                }
            }
            default -> {
                // Events of other services (audio from a microphone, wake words, ...) are not for this one.
            }
        }
        return true;
    }

    /**
     * Decides who the connection is, at its first event: the port's tenant, else (on a server with tenants) the
     * tenant whose API key the event carries as {@code api_key}; an open server asks nothing. Returns false, after
     * an {@code error} event, when the connection is refused.
     */
    private boolean identify(WyomingEvent e) throws IOException {
        identified = true;
        if (server.tenants() == null) {
            return true;
        }
        if (server.wyoming().tenant() != null) {
            tenantId = server.wyoming().tenant();
            return true;
        }
        String key = e.text("api_key");
        if (key == null || key.isBlank()) {
            send(error("missing_api_key", "no API key (expected: the first event's data to carry \"api_key\" with "
                    + "a tenant's key, or a server with wyoming.tenant set)"));
            return false;
        }
        try {
            tenantId = server.tenants().authenticate(key.strip()).id();
            return true;
        } catch (ApiException refused) {
            send(error(refused.code(), refused.getMessage()));
            return false;
        }
    }

    /** Tells whether the connection's tenant may use {@code voice}; with no tenant, every voice; gone, none. */
    private boolean mayUse(dev.chorus.tts.VoiceInfo voice) {
        if (tenantId == null) {
            return true;
        }
        Tenant t = tenant();
        return t != null && t.allowsVoice(voice.id(), null);
    }

    private Tenant tenant() {
        return tenantId == null ? null : server.tenants().tenant(tenantId).orElse(null);
    }

    private void startStream(WyomingEvent e) throws IOException {
        ObjectNode voice = e.object("voice");
        String name = voiceName(voice);
        String language = voiceLanguage(voice);
        Locale locale = language == null ? Locale.ROOT : Locale.forLanguageTag(language.replace('_', '-'));
        stream = new Stream(name, language, new SentenceBuffer(locale, server.config().maxInputChars()));
        try {
            // An unknown voice is refused now, before any text comes.
            server.speech().router().resolve(null, name, language);
        } catch (RuntimeException refused) {
            stream.failed = true;
            send(error(ApiErrors.of(refused)));
        }
    }

    /** Speaks one sentence of the stream; a refusal ends the stream (its other sentences are dropped). */
    private boolean speakInStream(String sentence) throws IOException {
        Outcome o = speak(sentence, stream.voice, stream.language);
        stream.failed = o != Outcome.SPOKEN;
        return o != Outcome.CLOSED;
    }

    /**
     * Speaks {@code text} through the pipeline and sends its audio; bad input or a refusal gets an {@code error}
     * event.
     */
    private Outcome speak(String text, String voice, String language) throws IOException {
        SessionTelemetry t = server.telemetry(tenantId);
        WyomingCaller caller = new WyomingCaller(tenantId, tenant(), t);
        try {
            SpeechInput input = new SpeechInput(text, "text", null, voice, new SynthesisOptions(1.0, language),
                    AudioEncoding.PCM, 0, null, null, false);
            PreparedSpeech prepared = server.speech().prepare(input, caller);
            QueuedAudio audio = new QueuedAudio(server.config().maxUnreadBytes(),
                    server.config().streamBufferBytes(), this::close);
            SynthesisHandle handle = server.speech().serve(prepared, caller, audio);
            return relay(audio, handle);
        } catch (RuntimeException refused) {
            t.failed(refused);
            send(error(ApiErrors.of(refused)));
            return Outcome.REFUSED;
        } finally {
            caller.done();
            t.finish();
        }
    }

    /** Sends a synthesis's audio as the pipeline produces it. */
    private Outcome relay(QueuedAudio audio, SynthesisHandle handle) {
        Duration wait = server.config().requestTimeout().plus(DEADLINE_MARGIN);
        AudioChunker chunks = null;
        try {
            while (true) {
                QueuedAudio.Item item = audio.take(wait);
                switch (item) {
                    case null -> {
                        handle.cancel();
                        send(error("timeout", "the synthesis did not finish within " + wait.toSeconds() + " s"));
                        return Outcome.CLOSED;
                    }
                    case QueuedAudio.Start s -> {
                        chunks = new AudioChunker(s.sampleRate());
                        send(EventCodec.encode("audio-start", chunks.format(F.objectNode())));
                    }
                    case QueuedAudio.Audio a -> send(chunks.chunks(a.bytes()));
                    case QueuedAudio.End end -> {
                        send(chunks.chunks(end.tail()));
                        ObjectNode stop = F.objectNode();
                        stop.put("timestamp", chunks.millis());
                        send(EventCodec.encode("audio-stop", stop));
                        return Outcome.SPOKEN;
                    }
                    case QueuedAudio.Failed f -> {
                        send(error(ApiErrors.of(f.error())));
                        return Outcome.REFUSED;
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            handle.cancel();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return Outcome.CLOSED;
        }
    }

    /** Splits PCM into {@code audio-chunk} events of {@value #SAMPLES_PER_CHUNK} samples, keeping whole samples. */
    private static final class AudioChunker {
        private final int rate;
        private long samples;
        private int carry = -1;

        AudioChunker(int rate) {
            this.rate = rate;
        }

        ObjectNode format(ObjectNode o) {
            o.put("rate", rate);
            o.put("width", 2);
            o.put("channels", 1);
            return o;
        }

        long millis() {
            return samples * 1000 / rate;
        }

        byte[] chunks(byte[] pcm) {
            byte[] bytes = pcm;
            if (carry >= 0) {
                bytes = new byte[pcm.length + 1];
                bytes[0] = (byte) carry;
                System.arraycopy(pcm, 0, bytes, 1, pcm.length);
                carry = -1;
            }
            int whole = bytes.length & ~1;
            if (whole < bytes.length) {
                carry = bytes[bytes.length - 1] & 0xff;
            }
            java.io.ByteArrayOutputStream events = new java.io.ByteArrayOutputStream(whole + 256);
            for (int off = 0; off < whole; off += SAMPLES_PER_CHUNK * 2) {
                int len = Math.min(SAMPLES_PER_CHUNK * 2, whole - off);
                ObjectNode d = format(F.objectNode());
                d.put("timestamp", millis());
                events.writeBytes(EventCodec.encode("audio-chunk", d, bytes, off, len));
                samples += len / 2;
            }
            return events.toByteArray();
        }
    }

    private static String voiceName(ObjectNode voice) {
        String n = voice == null || voice.get("name") == null || !voice.get("name").isTextual() ? null
                : voice.get("name").asText();
        return n == null || n.isBlank() ? null : n.strip();
    }

    private static String voiceLanguage(ObjectNode voice) {
        String l = voice == null || voice.get("language") == null || !voice.get("language").isTextual() ? null
                : voice.get("language").asText();
        return l == null || l.isBlank() ? null : l.strip().replace('_', '-');
    }

    private void send(byte[] event) throws IOException {
        if (event.length > 0) {
            out.write(event);
            out.flush();
        }
    }

    private static byte[] error(ApiErrors.ApiError e) {
        return error(e.code(), e.message());
    }

    private static byte[] error(String code, String text) {
        ObjectNode d = F.objectNode();
        d.put("text", text);
        d.put("code", code);
        return EventCodec.encode("error", d);
    }
}
