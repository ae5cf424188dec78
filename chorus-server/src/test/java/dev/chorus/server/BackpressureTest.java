package dev.chorus.server;

import dev.chorus.runtime.SentenceCache;
import dev.chorus.runtime.SynthesisScheduler;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.ChunkText;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.TtsEngineProvider;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Backpressure as clients notice it: a client that stops reading pauses the engines after the sentences already
 * running (instead of the server buffering the whole response), and is cut as {@code stalled} once it has read
 * nothing for the stall timeout; a long response replayed from the sentence cache reaches a client that reads
 * whole (it used to stall past 16 MiB).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class BackpressureTest {

    /** One second of 24 kHz audio per word: 48,000 bytes of PCM, so a sentence of 8 words is 384,000 bytes. */
    private static final int RATE = 24_000;
    private static final AtomicInteger STARTED = new AtomicInteger();

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new LoudEngineProvider()),
            r -> r.workers("loud", 2).defaultVoice("loud:tone"),
            s -> s.sentenceCache(SentenceCache.ofMaxBytes(64L << 20)).maxPendingPerWorker(1)
                    .admissionWait(Duration.ZERO),
            c -> c.cache(false).stallTimeout(Duration.ofSeconds(2)).warmUp(false));

    private static SynthesisScheduler scheduler() {
        return SERVER.synthesizer().scheduler();
    }

    @Test
    void aResponseOfThirtyMebibytesFromTheSentenceCacheArrivesWhole() throws Exception {
        String sentence = "Alpha beta gamma delta epsilon zeta eta theta.";
        HttpResponse<byte[]> warm = SERVER.http().send(speech(sentence, "pcm"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(warm.statusCode()).isEqualTo(200);
        assertThat(warm.body()).hasSize(8 * 2 * RATE);

        int sentences = 82; // 82 x 384,000 bytes = 31.5 MB, past 30 MiB
        String text = (sentence + " ").repeat(sentences).trim();
        int before = STARTED.get();
        HttpResponse<InputStream> r = SERVER.http().send(speech(text, "pcm"), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        long total = 0;
        try (InputStream in = r.body()) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                total += n;
            }
        }
        assertThat(total).isEqualTo((long) sentences * 8 * 2 * RATE).isGreaterThan(30L << 20);
        assertThat(STARTED.get() - before).as("sentences the engine spoke: all came from the sentence cache").isZero();
    }

    @Test
    void clientsThatStopReadingPauseTheEnginesHoldNoSlotAndAreCutAsStalled() throws Exception {
        int sentences = 60;
        List<Socket> stalled = new java.util.ArrayList<>();
        try {
            // Three clients that stop reading, on an engine that admits two requests at once.
            for (int c = 0; c < 3; c++) {
                int before = STARTED.get();
                stalled.add(stalledClient(c, sentences));
                // Unpaused, two workers would speak all 60 sentences (60 x 40 ms) in about 1.2 s. Paused, the
                // engine stops after what the socket buffers and the stream's small buffer hold.
                assertThat(awaitSettled() - before).as("sentences spoken for client %d, which reads nothing", c)
                        .isLessThan(sentences / 2);
                assertThat(scheduler().pendingRequests("loud")).as("engine slots a paused stream holds").isZero();
            }
            // So a client that reads is served beside them.
            HttpResponse<byte[]> other = SERVER.http().send(speech("One two three.", "pcm"),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(other.statusCode()).isEqualTo(200);
            assertThat(other.body()).hasSize(3 * 2 * RATE);

            // After the stall timeout (2 s) the server cuts the stalled streams, recorded as such.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            String metrics = "";
            while (System.nanoTime() < deadline && !metrics.matches("(?s).*outcome=\"stalled\"[^}]*\\} 3\\.0.*")) {
                Thread.sleep(200);
                metrics = SERVER.http().send(HttpRequest.newBuilder(SERVER.uri("/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
            }
            assertThat(metrics).containsPattern("chorus_requests_total\\{[^}]*outcome=\"stalled\"[^}]*\\} 3\\.0");
        } finally {
            for (Socket s : stalled) {
                s.close();
            }
        }
    }

    /** Opens a connection, asks for a long text and reads only the response's head. */
    private static Socket stalledClient(int n, int sentences) throws Exception {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < sentences; i++) {
            text.append("Client ").append(n).append(" part ").append(i).append(" one two three four five. ");
        }
        Socket socket = new Socket();
        socket.setReceiveBufferSize(8 * 1024);
        socket.connect(new InetSocketAddress("127.0.0.1", SERVER.server().port()), 5000);
        byte[] body = ("{\"input\":" + Http.quote(text.toString().trim()) + ",\"response_format\":\"pcm\"}")
                .getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        byte[] head = socket.getInputStream().readNBytes(1000);
        assertThat(new String(head, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
        return socket;
    }

    /** Waits until the engine has started no sentence for half a second; returns how many it started in all. */
    private static int awaitSettled() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        int last = -1;
        while (System.nanoTime() < deadline) {
            int now = STARTED.get();
            if (now == last) {
                return now;
            }
            last = now;
            Thread.sleep(500);
        }
        return STARTED.get();
    }

    private static HttpRequest speech(String text, String format) {
        return HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech")).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":" + Http.quote(text)
                        + ",\"response_format\":\"" + format + "\"}")).build();
    }

    /** A test engine that speaks one second of a quiet tone per word, 5 ms of work each. */
    static final class LoudEngineProvider implements TtsEngineProvider {
        @Override
        public String id() {
            return "loud";
        }

        @Override
        public TtsEngine open(EngineContext context) {
            VoiceInfo info = new VoiceInfo("loud:tone", "Tone", "en-US", null, RATE, "loud", "1", true);
            return new OneVoiceEngine(info, "one second of tone per word", LoudVoice::new);
        }
    }

    private record LoudVoice(VoiceInfo info) implements Voice {
        @Override
        public boolean synthesize(String text, SynthesisOptions options, AudioSink sink) {
            ChunkText.validate(text);
            STARTED.incrementAndGet();
            short[] second = dev.chorus.testing.Signals.sine(440, RATE, RATE, 2000);
            for (String ignored : text.trim().split("\\s+")) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                if (sink.onAudio(second.clone(), 0, second.length) == AudioSink.Action.STOP) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void close() {
        }
    }
}
