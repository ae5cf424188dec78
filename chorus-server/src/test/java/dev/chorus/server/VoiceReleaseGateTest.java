package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.service.backcheck.ReleaseGateSettings;
import dev.chorus.testing.piper.TestVoiceGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The voice release gate on a real server with hot-reloaded Piper voices: a new version that is silent or clipped
 * is refused, the voice listing says why, the previous version keeps serving every request meanwhile, and a sound
 * new version then becomes current.
 */
@Timeout(120)
class VoiceReleaseGateTest {

    private static final Path CHECKED_IN = Path.of("..", "chorus-engine-piper", "src", "test", "resources", "voices");
    private static final TestVoiceGenerator.Spec SPEC = TestVoiceGenerator.Spec.of("test-voice");

    @TempDir
    static Path voices;

    private static ChorusServerExtension server;

    @BeforeAll
    static void start() throws Exception {
        Files.copy(CHECKED_IN.resolve("test-voice.onnx.json"), voices.resolve("test-voice.onnx.json"));
        Files.copy(CHECKED_IN.resolve("test-voice.onnx"), voices.resolve("test-voice.onnx"));
        server = ChorusServerExtension.of(null, r -> r
                        .enabledEngines(Set.of("espeak", "piper"))
                        .workers("espeak", 1).workers("piper", 1)
                        .setting("piper.voices", voices.toString())
                        .setting("piper.scan-interval", "100ms")
                        .defaultVoice("espeak:en-us"),
                s -> s, c -> c.warmUp(false).releaseGate(new ReleaseGateSettings(ReleaseGateSettings.Level.SIGNAL,
                        0.5)));
        server.beforeAll(null);
        server.assumeEspeak();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.afterAll(null);
        }
    }

    private static HttpResponse<byte[]> speak(String text) throws Exception {
        return server.http().send(HttpRequest.newBuilder(server.uri("/v1/audio/speech"))
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString("{\"input\":"
                                + Http.quote(text) + ",\"voice\":\"piper:test-voice\",\"response_format\":\"wav\"}"))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static JsonNode entry() throws Exception {
        for (JsonNode v : Http.json(Http.get(server, "/v1/voices?engine=piper")).get("data")) {
            if (v.get("id").asText().equals("piper:test-voice")) {
                return v;
            }
        }
        throw new AssertionError("piper:test-voice is not listed");
    }

    private static void replace(TestVoiceGenerator.Spec spec) throws Exception {
        Path tmp = voices.resolve(".test-voice.onnx.part");
        Files.write(tmp, TestVoiceGenerator.model(spec));
        Files.move(tmp, voices.resolve("test-voice.onnx"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /** Waits until the listing's entry for the voice has an error containing {@code text}; returns the entry. */
    private static JsonNode awaitError(String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonNode e = entry();
        while (!(e.has("error") && e.get("error").asText().contains(text)) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            e = entry();
        }
        return e;
    }

    @Test
    void brokenVersionsAreRefusedWhileThePreviousOneKeepsServing() throws Exception {
        String before = entry().get("version").asText();
        byte[] original = speak("The gate keeps this voice.").body();

        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger served = new AtomicInteger();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        Thread load = Thread.ofPlatform().daemon().start(() -> {
            while (!stop.get()) {
                try {
                    HttpResponse<byte[]> r = speak("The gate keeps this voice.");
                    if (r.statusCode() != 200) {
                        failures.add(r.statusCode() + " " + new String(r.body()));
                    } else if (!java.util.Arrays.equals(r.body(), original)) {
                        failures.add("different audio: a refused version served");
                    } else {
                        served.incrementAndGet();
                    }
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
        try {
            replace(SPEC.withGain(0));
            JsonNode silent = awaitError("refused by the release gate");
            assertThat(silent.get("error").asText()).as("why the silent version was refused")
                    .contains("silent").contains("still serving version " + before);
            assertThat(silent.get("status").asText()).isEqualTo("failed");
            assertThat(silent.get("version").asText()).isEqualTo(before);

            replace(SPEC.withGain(4));
            JsonNode clipped = awaitError("clipped");
            assertThat(clipped.get("error").asText()).contains("refused by the release gate")
                    .contains("still serving version " + before);
            assertThat(clipped.get("version").asText()).isEqualTo(before);

            JsonNode failed = Http.json(Http.get(server, "/v1/voices")).get("failed");
            assertThat(failed.toString()).contains("piper:test-voice").contains("clipped");
        } finally {
            stop.set(true);
            load.join(Duration.ofSeconds(60));
        }
        assertThat(failures).as("requests while refused versions were on disk").isEmpty();
        assertThat(served.get()).isPositive();

        replace(SPEC.withBaseHz(190));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (entry().get("version").asText().equals(before) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        JsonNode good = entry();
        assertThat(good.get("version").asText()).as("a sound new version serves").isNotEqualTo(before);
        assertThat(good.get("status").asText()).isEqualTo("ok");
        HttpResponse<byte[]> fresh = speak("The gate keeps this voice.");
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(fresh.body()).isNotEqualTo(original);

        String metrics = new String(Http.get(server, "/metrics").body());
        assertThat(metrics).contains("chorus_voice_release_checks_total{engine=\"piper\",outcome=\"refused\"} 2.0")
                .contains("chorus_voice_release_checks_total{engine=\"piper\",outcome=\"passed\"} 1.0");
    }
}
