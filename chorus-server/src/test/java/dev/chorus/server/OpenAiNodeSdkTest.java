package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server through OpenAI's official Node SDK (the {@code openai} npm package) and grpc-js, run by
 * {@code src/test/openai-node/clients.test.mjs} against a real server: every response format (decoded here with
 * ffmpeg), {@code pcm} at 24 kHz, SSE streaming, the SDK's typed errors, models, the request id the SDK reports,
 * and {@code tts.proto} loaded with its {@code google/api} imports from the published folder alone. The packages
 * are installed with {@code npm ci} from the committed lock file; the test fails, saying so, when they cannot be.
 */
@Timeout(240)
class OpenAiNodeSdkTest {

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.installedEngines();

    private static final Path DIR = Path.of("src", "test", "openai-node");

    @Test
    void theOfficialNodeSdkAndGrpcJsWork() throws Exception {
        String node = NodeScripts.program("node");
        NodeScripts.npmCi(DIR, "openai");
        Path out = Files.createDirectories(Path.of("target", "openai-node").toAbsolutePath());
        NodeScripts.Result r = NodeScripts.run(List.of(node, "clients.test.mjs"), DIR, Map.of(
                "CHORUS_URL", SERVER.uri("/").toString(), "OUT_DIR", out.toString(),
                "PROTO_DIR", Path.of("src", "main", "protobuf").toAbsolutePath().toString()), 150);
        assertThat(r.exitCode()).as("node output:\n" + r.output()).isZero();
        String last = r.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow(
                () -> new AssertionError("no findings in the node output:\n" + r.output()));
        JsonNode f = Http.JSON.readTree(last);

        Map<String, String> codecs = Map.of("mp3", "mp3", "opus", "opus", "aac", "aac", "flac", "flac",
                "wav", "pcm_s16le");
        for (String format : List.of("mp3", "opus", "aac", "flac", "wav", "pcm")) {
            JsonNode one = f.path("formats").path(format);
            assertThat(one.path("status").asInt()).as(format).isEqualTo(200);
            assertThat(one.path("requestId").asText()).as(format + " request id").startsWith("req_");
            byte[] audio = Files.readAllBytes(out.resolve("speech." + format));
            short[] samples = format.equals("pcm")
                    ? AudioTools.decodeCleanly(audio, 24000, format, "-f", "s16le", "-ar", "24000", "-ac", "1")
                    : AudioTools.decodeCleanly(audio, 24000, format);
            assertThat(samples.length / 24000.0).as(format + " seconds").isBetween(0.6, 6.0);
            assertThat(Http.rms(samples)).as(format + " is speech").isGreaterThan(300);
            if (!format.equals("pcm")) {
                String suffix = format.equals("opus") ? ".ogg" : "." + format;
                assertThat(AudioTools.probeCodecAndRate(audio, suffix)).first().isEqualTo(codecs.get(format));
            }
        }
        JsonNode pcm = f.path("formats").path("pcm");
        assertThat(pcm.path("sampleRate").asInt()).as("OpenAI's pcm rate").isEqualTo(24000);
        assertThat(pcm.path("contentType").asText()).isEqualTo("audio/pcm");

        assertThat(f.path("sse").path("deltas").asInt()).isPositive();
        assertThat(f.path("sse").path("last").asText()).isEqualTo("speech.audio.done");
        assertThat(f.path("sse").path("pcmBytes").asInt() / 2 / 24000.0).isBetween(0.6, 6.0);
        assertThat(f.path("ownRequestId").asText()).isEqualTo("node-trace-7");
        assertThat(f.path("voiceError").path("status").asInt()).isEqualTo(404);
        assertThat(f.path("voiceError").path("code").asText()).isEqualTo("voice_not_found");
        assertThat(f.path("voiceError").path("requestId").asText()).startsWith("req_");
        assertThat(f.path("speedError").path("param").asText()).isEqualTo("speed");
        assertThat(f.path("snapshot").asText()).isEqualTo("gpt-4o-mini-tts-2025-12-15");
        assertThat(f.path("modelError").path("code").asText()).isEqualTo("model_not_found");
        assertThat(f.path("grpc").path("audioBytes").asInt()).isGreaterThan(1000);
        assertThat(f.path("grpc").path("voice").asText()).isNotBlank();
    }
}
