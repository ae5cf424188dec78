package dev.chorus.server;

import dev.chorus.service.cache.AudioCache;
import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.testing.piper.TestVoiceGenerator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A voice replaced on disk gets a new version, and the audio cache, whose keys carry the version, serves the new
 * voice at once: the old entries are never served again.
 */
class AudioCacheVoiceReloadTest {

    private static final Path CHECKED_IN = Path.of("..", "chorus-engine-piper", "src", "test", "resources", "voices");

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
                s -> s, c -> c.warmUp(false).cache(true));
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

    private static String version() throws Exception {
        for (JsonNode v : Http.json(Http.get(server, "/v1/voices?engine=piper")).get("data")) {
            if (v.get("id").asText().equals("piper:test-voice")) {
                return v.get("version").asText();
            }
        }
        return null;
    }

    @Test
    void aReplacedVoiceIsNotServedFromTheCache() throws Exception {
        String text = "The cache knows the voice version.";
        HttpResponse<byte[]> first = speak(text);
        HttpResponse<byte[]> hit = speak(text);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(hit.headers().firstValue(AudioCache.HEADER)).hasValue("hit");
        assertThat(hit.body()).isEqualTo(first.body());

        String before = version();
        Path tmp = voices.resolve(".test-voice.onnx.part");
        Files.write(tmp, TestVoiceGenerator.model(TestVoiceGenerator.Spec.of("test-voice").withBaseHz(190)));
        Files.move(tmp, voices.resolve("test-voice.onnx"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (before.equals(version()) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(version()).as("the replaced voice's version").isNotEqualTo(before);

        HttpResponse<byte[]> reloaded = speak(text);
        assertThat(reloaded.statusCode()).isEqualTo(200);
        assertThat(reloaded.headers().firstValue(AudioCache.HEADER)).hasValue("miss");
        assertThat(reloaded.body()).as("the new model sounds different").isNotEqualTo(first.body());
        assertThat(speak(text).headers().firstValue(AudioCache.HEADER)).hasValue("hit");
    }
}
