package dev.chorus.server;

import dev.chorus.engine.hmm.HmmEngineProvider;
import dev.chorus.service.quality.MosSettings;
import dev.chorus.testing.onnx.DnsmosTestModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The MOS estimate on real servers with the default voice: with a model of the DNSMOS interface (generated) every
 * response's predicted score reaches {@code /metrics} as {@code chorus_quality_mos} under its voice; without a model
 * there is no such metric at all.
 */
@Timeout(120)
class QualityMosTest {

    private static final Path MODEL = model();

    @RegisterExtension
    static final ChorusServerExtension RATED = ChorusServerExtension.of(List.of(new HmmEngineProvider()),
            r -> r.workers("hmm", 1), s -> s,
            c -> c.warmUp(false).cache(false).qualityMos(MosSettings.OFF.withModel(MODEL).withSampleFraction(1.0)));

    @RegisterExtension
    static final ChorusServerExtension UNRATED = ChorusServerExtension.of(List.of(new HmmEngineProvider()),
            r -> r.workers("hmm", 1), s -> s, c -> c.warmUp(false).cache(false));

    private static final String SPEECH = "{\"input\":\"The weather is nice today.\",\"response_format\":\"wav\"}";

    @Test
    void eachResponsesPredictedScoreReachesTheMetricsUnderItsVoice() throws Exception {
        for (int i = 0; i < 2; i++) {
            HttpResponse<byte[]> r = Http.post(RATED, "/v1/audio/speech", SPEECH);
            assertThat(r.statusCode()).isEqualTo(200);
        }
        String metrics = awaitMetrics("chorus_quality_mos_count{score=\"overall\",voice=\"hmm:cmu-slt-hsmm\"} 2\n");
        // The generated model's raw OVRL is 1 + 60 x the mean square of the audio: speech at a usual level lands
        // between 1 and 2.5 once calibrated; a made-up number would not follow the audio.
        Matcher m = Pattern.compile("chorus_quality_mos_sum\\{score=\"overall\",voice=\"hmm:cmu-slt-hsmm\"} (\\S+)")
                .matcher(metrics);
        assertThat(m.find()).as(metrics).isTrue();
        double mean = Double.parseDouble(m.group(1)) / 2;
        assertThat(mean).isBetween(1.0, 2.5);
        assertThat(metrics).contains("chorus_quality_mos_bucket{").contains("score=\"signal\"")
                .contains("score=\"background\"")
                .contains("chorus_quality_mos_predictions_total{outcome=\"rated\",voice=\"hmm:cmu-slt-hsmm\"} 2.0");
    }

    @Test
    void withoutAModelThereIsNoScore() throws Exception {
        assertThat(Http.post(UNRATED, "/v1/audio/speech", SPEECH).statusCode()).isEqualTo(200);
        String metrics = "";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!metrics.contains("chorus_audio_clipping_ratio_count{") && System.nanoTime() < deadline) {
            metrics = new String(Http.get(UNRATED, "/metrics").body(), StandardCharsets.UTF_8);
            Thread.sleep(50);
        }
        // The signal checks measured the response; no model, no MOS.
        assertThat(metrics).contains("chorus_audio_clipping_ratio_count{").doesNotContain("chorus_quality_mos");
    }

    private static String awaitMetrics(String needle) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String text = "";
        while (System.nanoTime() < deadline) {
            text = new String(Http.get(RATED, "/metrics").body(), StandardCharsets.UTF_8);
            if (text.contains(needle)) {
                return text;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no " + needle + " in /metrics within 60 s:\n" + text.lines()
                .filter(l -> l.contains("quality")).toList());
    }

    private static Path model() {
        try {
            Path dir = Files.createTempDirectory("chorus-mos-");
            return Files.write(dir.resolve("sig_bak_ovr.onnx"), DnsmosTestModel.model());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
