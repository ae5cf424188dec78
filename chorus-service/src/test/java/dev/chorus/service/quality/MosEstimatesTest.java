package dev.chorus.service.quality;

import dev.chorus.asr.quality.MosScore;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.service.Synthesis;
import dev.chorus.service.VoiceRouter;
import dev.chorus.testing.onnx.DnsmosTestModel;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The MOS estimate of real responses, with the DNSMOS predictor on a generated model of its interface. */
@Timeout(60)
class MosEstimatesTest {

    @TempDir
    Path dir;

    /** Speaks with the tone voice through a service built by {@code configure} and returns the PCM heard. */
    private static short[] speak(SpeechService service) throws Exception {
        CompletableFuture<SynthesisSummary> done = new CompletableFuture<>();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        service.serve(service.prepare(SpeechInput.of("one two three four five six seven eight nine ten", null)
                .withEncoding(AudioEncoding.PCM)), Caller.ANONYMOUS, new AudioOutput() {
                    @Override
                    public void audio(byte[] b, long firstSample) {
                        bytes.writeBytes(b);
                    }

                    @Override
                    public void complete(byte[] tail, SynthesisSummary summary) {
                        bytes.writeBytes(tail);
                        done.complete(summary);
                    }

                    @Override
                    public void error(ChorusException error) {
                        done.completeExceptionally(error);
                    }
                });
        done.get(20, TimeUnit.SECONDS);
        byte[] raw = bytes.toByteArray();
        short[] pcm = new short[raw.length / 2];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asShortBuffer().get(pcm);
        return pcm;
    }

    private static SpeechService.Builder builder(Synthesizer synthesizer, EngineRegistry registry,
                                                 MeterRegistry meters) {
        return SpeechService.builder(Synthesis.local(synthesizer), new VoiceRouter(registry, Map.of()))
                .signalChecks(meters);
    }

    @Test
    void everyRatedResponseRecordsItsPredictedScoreUnderItsVoice() throws Exception {
        Path model = Files.write(dir.resolve("sig_bak_ovr.onnx"), DnsmosTestModel.model());
        var engine = new dev.chorus.service.ToneEngineAccess().engine();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(engine)).defaultVoice("tone:a").build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MosSettings settings = MosSettings.OFF.withModel(model).withSampleFraction(1.0);
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build();
             MosEstimates mos = MosEstimates.open(settings, meters).orElseThrow()) {
            SpeechService service = builder(synthesizer, registry, meters).mosEstimates(mos).build();
            short[] heard = speak(service);
            speak(service);
            DistributionSummary overall = await(meters, "overall", 2);
            // What the predictor says of the very audio the client heard (the tone voice speaks at 16 kHz).
            MosScore expected = mos.predictor().predict(heard, 0, heard.length, 16_000).orElseThrow();
            assertThat(overall.mean()).isCloseTo(expected.overall(), within(1e-6));
            assertThat(expected.segments()).isGreaterThan(1); // about a second of audio, repeated as DNSMOS does
            assertThat(meters.get("chorus.quality.mos").tag("score", "signal").summary().mean())
                    .isCloseTo(expected.signal(), within(1e-6));
            assertThat(meters.get("chorus.quality.mos").tag("score", "background").summary().count()).isEqualTo(2);
            assertThat(meters.get("chorus.quality.mos.predictions").tag("outcome", "rated").counter().count())
                    .isEqualTo(2);
        }
    }

    @Test
    void aFractionOfZeroRatesNothing() throws Exception {
        Path model = Files.write(dir.resolve("sig_bak_ovr.onnx"), DnsmosTestModel.model());
        var engine = new dev.chorus.service.ToneEngineAccess().engine();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(engine)).defaultVoice("tone:a").build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build();
             MosEstimates mos = MosEstimates.open(MosSettings.OFF.withModel(model).withSampleFraction(0), meters)
                     .orElseThrow()) {
            speak(builder(synthesizer, registry, meters).mosEstimates(mos).build());
            mos.close(); // waits for anything queued
            assertThat(meters.find("chorus.quality.mos").meters()).isEmpty();
        }
    }

    @Test
    void withoutAModelThereIsNoEstimateAndNoMetric() throws Exception {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        assertThat(MosEstimates.open(MosSettings.OFF, meters)).isEmpty();
        var engine = new dev.chorus.service.ToneEngineAccess().engine();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(engine)).defaultVoice("tone:a").build();
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build()) {
            speak(builder(synthesizer, registry, meters).build());
            // The signal checks measured the response; the MOS has no number to give.
            assertThat(meters.find("chorus.audio.clipping.ratio").summary()).isNotNull();
            assertThat(meters.find("chorus.quality.mos").meters()).isEmpty();
            assertThat(meters.find("chorus.quality.mos.predictions").meters()).isEmpty();
        }
    }

    private static DistributionSummary await(MeterRegistry meters, String score, long count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            DistributionSummary s = meters.find("chorus.quality.mos").tag("voice", "tone:a").tag("score", score)
                    .summary();
            if (s != null && s.count() >= count) {
                return s;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no " + count + " MOS ratings within 30 s: " + meters.find("chorus.quality.mos.predictions").counters().stream()
                .map(c -> c.getId() + "=" + c.count()).toList());
    }
}
