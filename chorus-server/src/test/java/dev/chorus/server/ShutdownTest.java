package dev.chorus.server;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.Synthesizer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful shutdown: in-flight streams finish within the shutdown timeout; past it they are cut and stopped. */
class ShutdownTest {

    private static final String TEXT = "One two three four five six seven eight. ".repeat(6).trim();
    private static final int TEXT_BYTES = 48 * 1600 * 2;

    @BeforeEach
    void reset() {
        PacedEngineProvider.reset();
    }

    private static Synthesizer synthesizer() {
        return Synthesizer.builder().registry(EngineRegistry.builder().providers(List.of(new PacedEngineProvider()))
                .workers("paced", 1).defaultVoice("paced:tone").build()).build();
    }

    private static HttpRequest speech(ChorusServer server) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/audio/speech"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"" + TEXT + "\",\"response_format\":\"pcm\",\"sample_rate\":16000}"))
                .build();
    }

    @Test
    void drainsAStreamInFlightThenStops() throws Exception {
        try (Synthesizer synth = synthesizer()) {
            ChorusServer server = ChorusServer.create(synth, ServerConfig.builder().port(0).warmUp(false)
                    .shutdownQuietPeriod(Duration.ofMillis(100)).shutdownTimeout(Duration.ofSeconds(10)).build())
                    .start();
            server.whenReady().get(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<InputStream> r = http.send(speech(server), HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);

            int port = server.port();
            long t0 = System.nanoTime();
            CompletableFuture<Long> stopped = CompletableFuture.supplyAsync(() -> {
                server.stop();
                return System.nanoTime() - t0;
            });
            Thread.sleep(100);
            assertThat(server.isReady()).isFalse();
            assertThat(stopped).isNotDone();
            byte[] body = r.body().readAllBytes();
            long drained = System.nanoTime() - t0;
            long stopTook = stopped.get(10, TimeUnit.SECONDS);
            System.err.printf("drained after %d ms, stop took %d ms%n", drained / 1_000_000, stopTook / 1_000_000);

            assertThat(body).hasSize(TEXT_BYTES);
            URI healthz = URI.create("http://127.0.0.1:" + port + "/healthz");
            assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(healthz).build(),
                    HttpResponse.BodyHandlers.ofByteArray()))
                    .isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void cutsStreamsThatOutliveTheShutdownTimeoutAndStopsTheirEngines() throws Exception {
        try (Synthesizer synth = synthesizer()) {
            ChorusServer server = ChorusServer.create(synth, ServerConfig.builder().port(0).warmUp(false)
                    .shutdownQuietPeriod(Duration.ZERO).shutdownTimeout(Duration.ofMillis(300)).build()).start();
            HttpResponse<InputStream> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/v1/audio/speech"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"input\":\"" + TEXT.repeat(10) + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(r.statusCode()).isEqualTo(200);
            long t0 = System.nanoTime();
            server.stop();
            // The 300 ms shutdown timeout, then the server's own threads wind down (about 2 s).
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8));
            assertThatThrownBy(() -> r.body().readAllBytes()).isInstanceOf(java.io.IOException.class);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (synth.scheduler().pendingRequests("paced") > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(synth.scheduler().pendingRequests("paced")).isZero();
        }
    }
}
