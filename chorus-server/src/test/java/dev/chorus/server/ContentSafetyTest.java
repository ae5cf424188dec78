package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.safety.ContentPolicy;
import dev.chorus.safety.MaskSound;
import dev.chorus.safety.SafetyConfig;
import dev.chorus.server.internal.GrpcErrors;
import dev.chorus.server.telemetry.Telemetry;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Content rules on a real server: block, mask, log, audit, metrics and reload. The paced test engine speaks each
 * word as 100 ms of tone and reports each word before its audio.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContentSafetyTest {

    private static final Path DIR = tempDir();
    private static final Path RULES = DIR.resolve("rules.yaml");
    private static final Path AUDIT = DIR.resolve("audit.jsonl");

    /** The rules before the reload: "darn" is only logged. */
    private static final String RULES_LOGGED = """
            rules:
              - id: violence-en
                category: violence
                terms: [bomb, 炸弹]
              - id: pii-phone
                category: pii
                patterns: ['\\b\\d{3}-\\d{4}\\b']
              - id: mild-en
                category: mild
                terms: [darn]
            """;

    /** The rules after the reload: "darn" is masked. */
    private static final String RULES_MASKED = RULES_LOGGED.replace("category: mild", "category: profanity");

    @RegisterExtension
    static final ChorusServerExtension SERVER = ChorusServerExtension.of(List.of(new PacedEngineProvider()),
            r -> r.workers("paced", 1).defaultVoice("paced:tone"), s -> s, c -> c.warmUp(false).safety(SafetyConfig.builder().rules(write(RULES_LOGGED))
                    .policy(ContentPolicy.parse(Map.of("violence", "block", "profanity", "mask", "default", "log")))
                    .mask(MaskSound.SILENCE).reloadInterval(Duration.ZERO).auditLog(AUDIT).build()));

    private static final String MASKED_TEXT = "We are late, darn it all, said the rabbit.";

    @Test
    @Order(1)
    void blockedInputIsRefusedWithItsCategoryAndNotEchoed() throws Exception {
        String input = "There is a bomb under the table.";
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", "{\"input\":" + Http.quote(input) + "}");
        assertThat(r.statusCode()).isEqualTo(422);
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("code").asText()).isEqualTo("content_blocked");
        assertThat(e.get("category").asText()).isEqualTo("violence");
        assertThat(e.get("param").asText()).isEqualTo("input");
        assertThat(new String(r.body())).doesNotContain("bomb").doesNotContain("table");

        // Full-width letters and Chinese are found as well; markup is not read as text.
        assertThat(Http.post(SERVER, "/v1/audio/speech", "{\"input\":\"ＢＯＭＢ!\"}").statusCode()).isEqualTo(422);
        assertThat(Http.post(SERVER, "/v1/audio/speech", "{\"input\":\"他有炸弹。\"}").statusCode()).isEqualTo(422);
        assertThat(Http.post(SERVER, "/v1/audio/speech", "{\"input\":" + Http.quote(
                "<speak>A <mark name=\"bomb\"/>quiet day.</speak>") + ",\"response_format\":\"pcm\",\"sample_rate\":16000}").statusCode())
                .isEqualTo(200);
        assertThat(Http.post(SERVER, "/v1/audio/speech", "{\"input\":" + Http.quote(
                "<speak>A <emphasis>bomb</emphasis> today.</speak>") + "}").statusCode()).isEqualTo(422);
    }

    @Test
    @Order(2)
    void grpcRefusesWithFailedPreconditionAndNamesTheCategory() {
        var stub = TextToSpeechGrpc.newBlockingStub(SERVER.channel()).withDeadlineAfter(60, TimeUnit.SECONDS);
        assertThatThrownBy(() -> stub.synthesize(SynthesizeRequest.newBuilder().setText("a bomb").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("violence").doesNotContain("bomb");
                    assertThat(e.getTrailers().get(GrpcErrors.SAFETY_CATEGORIES)).isEqualTo("violence");
                });
        assertThatThrownBy(() -> stub.streamingSynthesize(SynthesizeRequest.newBuilder()
                .setSsml("<speak>one bomb</speak>").build()).next())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    @Order(2)
    void transcodedSynthesizeRefusesWithoutEcho() throws Exception {
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/tts/synthesize", "{\"text\":\"a bomb\"}");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(new String(r.body())).contains("violence").doesNotContain("bomb");
    }

    @Test
    @Order(3)
    void logOnlyMatchGoesThroughAndIsAuditedWithoutText() throws Exception {
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech",
                "{\"input\":\"Call 555-1234 today.\",\"response_format\":\"pcm\",\"sample_rate\":16000}");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length).as("three words of audio").isGreaterThanOrEqualTo(3 * 3200);
        String requestId = r.headers().firstValue(Telemetry.REQUEST_ID_HEADER).orElseThrow();
        JsonNode line = auditLines().stream().filter(l -> l.path("request_id").asText().equals(requestId))
                .findFirst().orElseThrow();
        assertThat(line.get("rule").asText()).isEqualTo("pii-phone");
        assertThat(line.get("category").asText()).isEqualTo("pii");
        assertThat(line.get("action").asText()).isEqualTo("log");
        assertThat(line.get("start").asInt()).isEqualTo(5);
        assertThat(line.get("end").asInt()).isEqualTo(13);
        assertThat(line.get("tenant").asText()).isEqualTo(Telemetry.ANONYMOUS);
        assertThat(line.has("time")).isTrue();
        assertThat(line.has("text")).isFalse();
        // The number itself appears nowhere (the time's digits may hold "555" by chance, so look for the match).
        assertThat(line.toString()).doesNotContain("555-1234").doesNotContain("5551234");
        // The earlier refusals were audited too, with their rule.
        assertThat(auditLines()).anySatisfy(l -> {
            assertThat(l.get("rule").asText()).isEqualTo("violence-en");
            assertThat(l.get("action").asText()).isEqualTo("block");
        });
    }

    @Test
    @Order(4)
    void maskKeepsTheLengthSilencesTheWordAndLeavesTheRestAlone() throws Exception {
        String body = "{\"input\":" + Http.quote(MASKED_TEXT) + ",\"response_format\":\"pcm\",\"sample_rate\":16000}";
        HttpResponse<byte[]> logged = Http.post(SERVER, "/v1/audio/speech", body);
        assertThat(logged.statusCode()).isEqualTo(200);
        int rate = Integer.parseInt(logged.headers().firstValue("x-chorus-sample-rate").orElseThrow());
        JsonNode[] marks = wordMarks();
        int darn = MASKED_TEXT.indexOf("darn");
        int at = 0;
        while (marks[at].get("start").asInt() != darn) {
            at++;
        }
        long from = marks[at].get("time").asLong() * rate / 1000;
        long to = marks[at + 1].get("time").asLong() * rate / 1000;

        write(RULES_MASKED); // Reloaded on the next request: "darn" is now in a masked category.
        HttpResponse<byte[]> masked = Http.post(SERVER, "/v1/audio/speech", body);
        assertThat(masked.statusCode()).isEqualTo(200);
        short[] a = AudioTools.samples(logged.body());
        short[] b = AudioTools.samples(masked.body());
        assertThat(b.length).as("masked audio keeps its length").isEqualTo(a.length);

        int margin = rate / 100; // 10 ms either side of the word's edges, for the millisecond rounding of marks
        short[] wordBefore = Arrays.copyOfRange(a, (int) from + margin, (int) to - margin);
        short[] wordAfter = Arrays.copyOfRange(b, (int) from + margin, (int) to - margin);
        assertThat(SignalMeasures.rms(wordBefore)).as("the word is audible unmasked").isGreaterThan(300);
        assertThat(SignalMeasures.rms(wordAfter)).as("the masked word is silent").isLessThan(1);
        assertThat(Arrays.copyOfRange(b, 0, (int) from - margin))
                .isEqualTo(Arrays.copyOfRange(a, 0, (int) from - margin));
        assertThat(Arrays.copyOfRange(b, (int) to + margin, b.length))
                .isEqualTo(Arrays.copyOfRange(a, (int) to + margin, a.length));

        // gRPC masks the same way.
        byte[] grpc = TextToSpeechGrpc.newBlockingStub(SERVER.channel()).withDeadlineAfter(60, TimeUnit.SECONDS)
                .synthesize(SynthesizeRequest.newBuilder().setText(MASKED_TEXT)
                        .setFormat(dev.chorus.proto.tts.v1.AudioFormat.AUDIO_FORMAT_PCM).build())
                .getAudio().toByteArray();
        assertThat(AudioTools.samples(grpc)).isEqualTo(b);

        // Timings sent to the client keep their place but not the masked word.
        HttpResponse<byte[]> sse = Http.post(SERVER, "/v1/audio/speech", "{\"input\":" + Http.quote(MASKED_TEXT)
                + ",\"response_format\":\"pcm\",\"sample_rate\":16000,\"stream_format\":\"sse\",\"timings\":true}");
        assertThat(sse.statusCode()).isEqualTo(200);
        assertThat(new String(sse.body())).contains("speech.timing").contains("****").doesNotContain("darn")
                .contains("rabbit");

        String metrics = new String(Http.get(SERVER, "/metrics").body());
        assertThat(metrics).containsPattern(
                "chorus_safety_decisions_total\\{action=\"mask\",category=\"profanity\"[^}]*} 3\\.0");
        assertThat(metrics).containsPattern(
                "chorus_safety_decisions_total\\{action=\"log\",category=\"mild\"[^}]*} [1-9]");
    }

    @Test
    @Order(5)
    void aBrokenRulesFileKeepsThePreviousRules() throws Exception {
        write("rules: [{id: x, category: violence, patterns: ['(']}]");
        String body = "{\"input\":\"A bomb.\",\"response_format\":\"pcm\",\"sample_rate\":16000}";
        assertThat(Http.post(SERVER, "/v1/audio/speech", body).statusCode()).isEqualTo(422);
        write("rules: [{id: x, category: violence, terms: [grenade]}]");
        assertThat(Http.post(SERVER, "/v1/audio/speech", body).statusCode()).isEqualTo(200);
    }

    /** Returns the word marks of {@link #MASKED_TEXT}, asked for while "darn" is only logged. */
    private static JsonNode[] wordMarks() throws Exception {
        HttpResponse<byte[]> r = Http.post(SERVER, "/v1/audio/speech", "{\"input\":" + Http.quote(MASKED_TEXT)
                + ",\"response_format\":\"json_marks\"}");
        assertThat(r.statusCode()).isEqualTo(200);
        return new String(r.body()).lines().map(ContentSafetyTest::parse)
                .filter(n -> n.get("type").asText().equals("word")).toArray(JsonNode[]::new);
    }

    private static List<JsonNode> auditLines() throws IOException {
        return Files.readAllLines(AUDIT).stream().map(ContentSafetyTest::parse).toList();
    }

    private static JsonNode parse(String line) {
        try {
            return Http.JSON.readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            Path d = Files.createTempDirectory("chorus-safety-test");
            d.toFile().deleteOnExit();
            return d;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the rules file; each content differs in length, so the reload check sees the change. */
    private static Path write(String yaml) {
        try {
            Files.writeString(RULES, yaml);
            return RULES;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
