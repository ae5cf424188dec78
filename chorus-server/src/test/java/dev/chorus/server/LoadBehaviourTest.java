package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.runtime.SynthesisScheduler;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What users notice under load, on an engine whose pace the test controls: a client that leaves stops the engine
 * work, requests run concurrently up to the engine's workers, and beyond its limit a request waits a bounded time
 * and then gets 503 with Retry-After.
 */
class LoadBehaviourTest {

    /** Two workers, two admitted requests at most, and a 300 ms admission wait beyond that. */
    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 2).defaultVoice("paced:tone"),
            s -> s.maxPendingPerWorker(1).admissionWait(Duration.ofMillis(300)),
            c -> c.warmUp(false));

    /** About 80 sentences of 8 words: 16 s of work at the paced engine's 25 ms per word, one worker. */
    private static final String LONG_TEXT = "One two three four five six seven eight. ".repeat(80).trim();

    @BeforeEach
    void reset() throws Exception {
        awaitIdle();
        PacedEngineProvider.reset();
    }

    private static SynthesisScheduler scheduler() {
        return SERVER.synthesizer().scheduler();
    }

    private static void awaitIdle() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((scheduler().pendingRequests("paced") > 0 || scheduler().inFlight() > 0)
                && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private static HttpRequest speech(String text) {
        return HttpRequest.newBuilder(SERVER.uri("/v1/audio/speech")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"input\":" + Http.quote(text) + ",\"response_format\":\"pcm\",\"sample_rate\":16000}")).build();
    }

    @Test
    void aClientThatDisconnectsStopsTheEngine() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", SERVER.server().port())) {
            byte[] body = ("{\"input\":" + Http.quote(LONG_TEXT) + "}").getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/audio/speech HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] head = in.readNBytes(2000);
            assertThat(new String(head, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200");
            assertThat(scheduler().pendingRequests("paced")).isEqualTo(1);
        }
        long closed = System.nanoTime();
        awaitIdle();
        long stoppedAfter = System.nanoTime() - closed;

        assertThat(scheduler().pendingRequests("paced")).isZero();
        assertThat(scheduler().inFlight()).isZero();
        assertThat(Duration.ofNanos(stoppedAfter)).isLessThan(Duration.ofSeconds(2));
        // The engine was told to stop: of the text's 80 sentences only the few before the disconnect ever
        // started (the one running then either ended early or, when the client left between two sentences,
        // finished), and none is left running.
        assertThat(PacedEngineProvider.STARTED.get()).isBetween(1, 10);
        assertThat(PacedEngineProvider.FINISHED.get() + PacedEngineProvider.STOPPED.get())
                .isEqualTo(PacedEngineProvider.STARTED.get());
    }

    @Test
    void requestsUpToTheWorkerCountRunAtTheSameTime() throws Exception {
        String text = "One two three four five six seven eight. ".repeat(6);
        long t0 = System.nanoTime();
        CompletableFuture<HttpResponse<byte[]>> a = SERVER.http().sendAsync(speech(text),
                HttpResponse.BodyHandlers.ofByteArray());
        CompletableFuture<HttpResponse<byte[]>> b = SERVER.http().sendAsync(speech(text),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(a.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(b.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        long both = System.nanoTime() - t0;
        // One request is 48 words x 25 ms = 1.2 s of engine time; run one after the other they would take 2.4 s.
        assertThat(Duration.ofNanos(both)).isLessThan(Duration.ofMillis(2100));
        assertThat(a.get().body().length).isEqualTo(b.get().body().length).isEqualTo(48 * 1600 * 2);
    }

    @Test
    void beyondTheLimitARequestWaitsBrieflyThenGets503WithRetryAfter() throws Exception {
        CompletableFuture<HttpResponse<byte[]>> a = SERVER.http().sendAsync(speech(LONG_TEXT),
                HttpResponse.BodyHandlers.ofByteArray());
        CompletableFuture<HttpResponse<byte[]>> b = SERVER.http().sendAsync(speech(LONG_TEXT),
                HttpResponse.BodyHandlers.ofByteArray());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (scheduler().pendingRequests("paced") < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long t0 = System.nanoTime();
        HttpResponse<byte[]> refused = SERVER.http().send(speech("Too many."), HttpResponse.BodyHandlers.ofByteArray());
        long waited = System.nanoTime() - t0;

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("retry-after")).hasValue("1");
        JsonNode e = Http.json(refused).get("error");
        assertThat(e.get("code").asText()).isEqualTo("overloaded");
        assertThat(e.get("message").asText()).contains("busy").contains("within 300 ms");
        assertThat(Duration.ofNanos(waited)).isBetween(Duration.ofMillis(280), Duration.ofSeconds(3));
        a.cancel(true);
        b.cancel(true);
    }
}
