package dev.chorus.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.chorus.proto.tts.v1.Pronunciation;
import dev.chorus.proto.tts.v1.SynthesizeRequest;
import dev.chorus.proto.tts.v1.TextToSpeechGrpc;
import dev.chorus.server.internal.GrpcErrors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import dev.chorus.engine.hmm.HmmEngineProvider;
import dev.chorus.safety.ContentPolicy;
import dev.chorus.safety.SafetyConfig;
import dev.chorus.service.backcheck.BackcheckMode;
import dev.chorus.service.backcheck.BackcheckSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The speech back-check on real servers with the default voice and PocketSphinx: a request lexicon that makes an
 * allowed word ("bottle") say a blocked one ("bomb") passes the text rules, and the back-check hears it. Strict
 * mode refuses the request with 422 {@code speech_mismatch} before any audio; sampled mode (every request here)
 * serves it and writes a {@code speech_mismatch} line to the audit log. Word error rates reach {@code /metrics}.
 * gRPC gets the strict refusal as FAILED_PRECONDITION, as it gets the text rules' refusals.
 */
@Timeout(180)
class SpeechBackcheckTest {

    private static final Path DIR = tempDir();
    private static final Path STRICT_AUDIT = DIR.resolve("strict-audit.jsonl");
    private static final Path SAMPLED_AUDIT = DIR.resolve("sampled-audit.jsonl");
    private static final String RULES = """
            rules:
              - id: violence-en
                category: violence
                terms: [bomb]
            """;
    private static final String SWAPPED = "{\"input\":\"Please put the bottle under the table.\","
            + "\"lexicon\":[{\"grapheme\":\"bottle\",\"alias\":\"bomb\"}],\"response_format\":\"wav\"}";

    @RegisterExtension
    static final ChorusServerExtension STRICT = server(BackcheckMode.STRICT, STRICT_AUDIT);

    @RegisterExtension
    static final ChorusServerExtension SAMPLED = server(BackcheckMode.SAMPLED, SAMPLED_AUDIT);

    private static ChorusServerExtension server(BackcheckMode mode, Path audit) {
        return ChorusServerExtension.of(List.of(new HmmEngineProvider()), r -> r.workers("hmm", 1), s -> s,
                c -> c.warmUp(false).cache(true)
                        .safety(SafetyConfig.builder().rules(write(DIR.resolve(mode.id() + "-rules.yaml"), RULES))
                                .policy(ContentPolicy.parse(Map.of("violence", "block"))).auditLog(audit)
                                .reloadInterval(Duration.ZERO).build())
                        .backcheck(BackcheckSettings.OFF.withMode(mode).withSampleFraction(1.0)));
    }

    @Test
    void theWordItselfIsRefusedByTheTextRules() throws Exception {
        HttpResponse<byte[]> r = Http.post(STRICT, "/v1/audio/speech",
                "{\"input\":\"Please put the bomb under the table.\"}");
        assertThat(r.statusCode()).isEqualTo(422);
        assertThat(Http.json(r).get("error").get("code").asText()).isEqualTo("content_blocked");
    }

    @Test
    void strictModeRefusesAudioThatSaysABlockedWord() throws Exception {
        HttpResponse<byte[]> r = Http.post(STRICT, "/v1/audio/speech", SWAPPED);
        assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(422);
        JsonNode e = Http.json(r).get("error");
        assertThat(e.get("code").asText()).isEqualTo("speech_mismatch");
        assertThat(e.get("category").asText()).isEqualTo("violence");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("bomb");
        String audit = awaitAudit(STRICT_AUDIT, "speech_mismatch");
        assertThat(audit).contains("\"category\":\"violence\"").contains("\"voice\":\"hmm:cmu-slt-hsmm");

        // The same words without the lexicon pass, are served whole, and their word error rate is recorded.
        HttpResponse<byte[]> ok = Http.post(STRICT, "/v1/audio/speech",
                "{\"input\":\"Please put the bottle under the table.\",\"response_format\":\"wav\"}");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.body().length).isGreaterThan(48_000);
        String metrics = awaitMetrics(STRICT, "chorus_backcheck_wer_count{");
        assertThat(metrics).contains("chorus_backcheck_wer_bucket{").contains("voice=\"hmm:cmu-slt-hsmm\"")
                .contains("chorus_backcheck_checks_total{").contains("outcome=\"refused\"")
                .contains("outcome=\"passed\"");
        // The always-on signal checks measured the served response.
        assertThat(metrics).contains("chorus_audio_loudness_lufs{").contains("chorus_audio_clipping_ratio_bucket{")
                .contains("chorus_audio_snr_db_count{");
    }

    @Test
    void strictModeRefusesOverGrpcWithFailedPrecondition() {
        var stub = TextToSpeechGrpc.newBlockingStub(STRICT.channel()).withDeadlineAfter(90, TimeUnit.SECONDS);
        SynthesizeRequest request = SynthesizeRequest.newBuilder().setText("Please put the bottle under the table.")
                .addLexicon(Pronunciation.newBuilder().setGrapheme("bottle").setAlias("bomb")).setNoCache(true)
                .build();
        assertThatThrownBy(() -> stub.synthesize(request)).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(e.getStatus().getDescription()).contains("violence").contains("back-check")
                    .doesNotContain("bomb");
            assertThat(e.getTrailers().get(GrpcErrors.SAFETY_CATEGORIES)).isEqualTo("violence");
        });
    }

    @Test
    void sampledModeServesTheAudioAndLogsTheMismatch() throws Exception {
        HttpResponse<byte[]> r = Http.post(SAMPLED, "/v1/audio/speech", SWAPPED);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body().length).isGreaterThan(48_000);
        String audit = awaitAudit(SAMPLED_AUDIT, "speech_mismatch");
        assertThat(audit).contains("\"event\":\"speech_mismatch\"").contains("\"category\":\"violence\"")
                .contains("\"action\":\"block\"");
        String metrics = awaitMetrics(SAMPLED, "outcome=\"mismatch\"");
        assertThat(metrics).contains("chorus_safety_speech_mismatches_total{");
        // Every back-check metric the alert rules use is one this server exposes.
        String alerts = Files.readString(Path.of("..").toAbsolutePath().normalize()
                .resolve("deploy/prometheus/alerts.yml"));
        Matcher m = Pattern.compile("\\b(chorus_(?:backcheck|safety_speech)_[a-z0-9_]+)").matcher(alerts);
        int used = 0;
        for (; m.find(); used++) {
            assertThat(metrics).as("alerts.yml uses %s", m.group(1)).contains(m.group(1));
        }
        assertThat(used).isGreaterThanOrEqualTo(3);
    }

    private static String awaitAudit(Path file, String needle) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = Files.exists(file) ? Files.readString(file) : "";
            if (text.contains(needle)) {
                return text;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no " + needle + " in " + file + " within 60 s: " + text);
    }

    private static String awaitMetrics(ChorusServerExtension server, String needle) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = new String(Http.get(server, "/metrics").body(), StandardCharsets.UTF_8);
            if (text.contains(needle)) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + needle + " in /metrics within 60 s");
    }

    private static Path write(Path file, String text) {
        try {
            Files.writeString(file, text);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path tempDir() {
        try {
            return Files.createTempDirectory("chorus-backcheck-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
