package dev.chorus.service.quality;

import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.service.Synthesis;
import dev.chorus.service.VoiceRouter;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The signal checks of real responses reach the metrics under their voice. */
class SignalChecksTest {

    @Test
    void everyResponseIsMeasuredUnderItsVoice() throws Exception {
        var engine = new dev.chorus.service.ToneEngineAccess().engine();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(engine)).defaultVoice("tone:a").build();
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            SpeechService service = SpeechService.builder(Synthesis.local(synthesizer),
                    new VoiceRouter(registry, Map.of())).signalChecks(meters).build();
            for (int i = 0; i < 2; i++) {
                CompletableFuture<SynthesisSummary> done = new CompletableFuture<>();
                service.serve(service.prepare(SpeechInput.of("one two three four five six seven eight nine ten", null)
                        .withEncoding(AudioEncoding.PCM)), Caller.ANONYMOUS, new AudioOutput() {
                            @Override
                            public void audio(byte[] bytes, long firstSample) {
                            }

                            @Override
                            public void complete(byte[] tail, SynthesisSummary summary) {
                                done.complete(summary);
                            }

                            @Override
                            public void error(ChorusException error) {
                                done.completeExceptionally(error);
                            }
                        });
                done.get(20, TimeUnit.SECONDS);
            }
            // Ten 100 ms words of a 440 Hz tone at 8000 / 32768 peak (-12.2 dBFS): about -15.5 LUFS, never clipped.
            double lufs = meters.get("chorus.audio.loudness.lufs").tag("voice", "tone:a").gauge().value();
            assertThat(lufs).isCloseTo(-15.5, within(0.7));
            DistributionSummary clipping = meters.get("chorus.audio.clipping.ratio").tag("voice", "tone:a").summary();
            assertThat(clipping.count()).isEqualTo(2);
            assertThat(clipping.max()).isZero();
            assertThat(meters.get("chorus.audio.silence.ratio").summary().max()).isLessThan(0.1);
            assertThat(meters.get("chorus.audio.snr.db").summary().count()).isEqualTo(2);
        }
    }
}
