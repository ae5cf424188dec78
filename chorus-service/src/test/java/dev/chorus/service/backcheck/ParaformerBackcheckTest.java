package dev.chorus.service.backcheck;

import dev.chorus.asr.Recognizer;
import dev.chorus.runtime.EngineRegistry;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.runtime.Synthesizer;
import dev.chorus.safety.ContentPolicy;
import dev.chorus.safety.SafetyConfig;
import dev.chorus.service.ApiException;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.Caller;
import dev.chorus.service.SpeechInput;
import dev.chorus.service.SpeechService;
import dev.chorus.service.Synthesis;
import dev.chorus.service.VoiceRouter;
import dev.chorus.service.safety.ContentSafety;
import dev.chorus.testing.onnx.ParaformerTestModel;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.ChorusException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The back-check listening with the Paraformer recognizer, found by its id as {@code backcheck.recognizer:
 * paraformer} finds it, on a generated model that hears 你好世界 hello in any audio: a rule on 世界 that the input
 * text does not trigger refuses the request in strict mode, as a Chinese word heard in the audio.
 */
@Timeout(60)
class ParaformerBackcheckTest {

    @TempDir
    Path dir;

    @Test
    void strictModeRefusesWhatTheParaformerModelHeard() throws Exception {
        Path model = ParaformerTestModel.write(dir.resolve("paraformer"), ParaformerTestModel.Variant.STANDARD);
        Path rules = Files.writeString(dir.resolve("rules.yaml"), """
                rules:
                  - id: place-zh
                    category: place
                    terms: [世界]
                """);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ContentSafety safety = ContentSafety.create(SafetyConfig.builder().rules(rules)
                .policy(ContentPolicy.parse(Map.of("place", "block"))).reloadInterval(Duration.ZERO).build(), meters);
        // The tone voice speaks en-US: the model is declared to understand it.
        BackcheckSettings settings = new BackcheckSettings(BackcheckMode.STRICT, 0.05, "paraformer",
                Map.of("dir", model.toString(), "languages", "zh,en"), 1, 64, 60);
        Recognizer recognizer = Backcheck.openRecognizer(settings);
        assertThat(recognizer.description()).startsWith("paraformer model.onnx");
        var engine = new dev.chorus.service.ToneEngineAccess().engine();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(engine)).defaultVoice("tone:a").build();
        try (Synthesizer synthesizer = Synthesizer.builder().registry(registry).build();
             Backcheck backcheck = Backcheck.create(settings, recognizer, safety, meters)) {
            SpeechService service = SpeechService.builder(Synthesis.local(synthesizer),
                    new VoiceRouter(registry, Map.of())).contentSafety(safety).backcheck(backcheck).build();
            CompletableFuture<SynthesisSummary> done = new CompletableFuture<>();
            try {
                service.serve(service.prepare(SpeechInput.of("one two three", null).withEncoding(AudioEncoding.PCM)),
                        Caller.ANONYMOUS, new AudioOutput() {
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
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
            Throwable refusal = null;
            try {
                done.get(30, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                refusal = e.getCause();
            }
            assertThat(refusal).as("the request was served although the audio said 世界").isNotNull();
            // The refusal carries the 422 speech_mismatch the front ends answer with, naming the category heard.
            assertThat(refusal).hasMessage("refused by the speech back-check");
            assertThat(refusal.getCause()).isInstanceOf(ApiException.class);
            ApiException api = (ApiException) refusal.getCause();
            assertThat(api.status()).isEqualTo(422);
            assertThat(api.code()).isEqualTo("speech_mismatch");
            assertThat(api.getMessage()).contains("category: place");
            assertThat(meters.get("chorus.backcheck.checks").tag("outcome", "refused").counter().count())
                    .isEqualTo(1);
        } finally {
            safety.close();
        }
    }
}
