package dev.chorus.runtime;

import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sentences replayed from the sentence cache come out exactly as synthesized ones (samples after pitch, volume and
 * resampling, and timings), without engine work; oversized sentences are not kept.
 */
class SentenceCacheTest {

    private Synthesizer cached;
    private Synthesizer plain;

    @BeforeEach
    void setUp() {
        StepEngineProvider.reset();
        cached = build(SentenceCache.ofMaxBytes(1_000_000));
        plain = build(null);
    }

    @AfterEach
    void tearDown() {
        cached.close();
        plain.close();
    }

    private static Synthesizer build(SentenceCache cache) {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new StepEngineProvider()))
                .workers("step", 2).defaultVoice("step:fast").build();
        return Synthesizer.builder().registry(registry).sentenceCache(cache).build();
    }

    /** Pitch and volume change the engine's audio, and 22050 Hz resamples it: replay must go through both. */
    private static SynthesisRequest request(String text, String voice) {
        return new SynthesisRequest(text, voice, new SynthesisOptions(1.0, null, 2, -3), AudioEncoding.PCM, 22_050,
                null);
    }

    private static RecordingListener speak(Synthesizer s, String text, String voice) throws Exception {
        RecordingListener l = new RecordingListener();
        s.start(request(text, voice), l).completion().get(10, TimeUnit.SECONDS);
        return l;
    }

    @Test
    void aCachedSentenceSoundsAndTimesExactlyAsASynthesizedOne() throws Exception {
        speak(cached, "Good morning to you. We open at nine.", "step:fast");
        StepEngineProvider.STARTED.clear();
        RecordingListener fromCache = speak(cached, "Good morning to you. Please hold on now.", "step:fast");
        List<String> engineGot = List.copyOf(StepEngineProvider.STARTED);
        RecordingListener fresh = speak(plain, "Good morning to you. Please hold on now.", "step:fast");

        assertThat(engineGot).noneMatch(t -> t.contains("Good morning")).anyMatch(t -> t.contains("Please hold"));
        assertThat(fromCache.samples).isNotEmpty().isEqualTo(fresh.samples);
        assertThat(fromCache.events).isEqualTo(fresh.events);
        assertThat(fromCache.events).anyMatch(t -> t.kind() == Timing.Kind.WORD && t.text().equals("morning"));
        SentenceCache c = cached.sentenceCache().orElseThrow();
        assertThat(c.hits()).isEqualTo(1);
        assertThat(c.misses()).isEqualTo(3);
        assertThat(c.entries()).isEqualTo(3);
        assertThat(c.bytes()).isPositive();
    }

    @Test
    void estimatedWordTimingsComeOutTheSameFromTheCache() throws Exception {
        speak(cached, "No word events here. First time.", "step:wordless");
        RecordingListener fromCache = speak(cached, "No word events here. Second time.", "step:wordless");
        RecordingListener fresh = speak(plain, "No word events here. Second time.", "step:wordless");
        assertThat(fromCache.events).isEqualTo(fresh.events).anyMatch(Timing::estimated);
        assertThat(fromCache.samples).isEqualTo(fresh.samples);
    }

    @Test
    void aSentenceLargerThanASixteenthOfTheBoundIsNotKept() throws Exception {
        // 5 words of 10 ms at 16 kHz: 1600 bytes of PCM, more than 16000 / 16.
        Synthesizer small = build(SentenceCache.ofMaxBytes(16_000));
        try {
            speak(small, "One two three four five.", "step:fast");
            speak(small, "One two three four five.", "step:fast");
            assertThat(StepEngineProvider.STARTED).filteredOn(t -> t.contains("One two")).hasSize(2);
            assertThat(small.sentenceCache().orElseThrow().entries()).isZero();
        } finally {
            small.close();
        }
    }

    @Test
    void reuseCanBeTurnedOffPerRequest() throws Exception {
        speak(cached, "Fresh every time.", "step:fast");
        RecordingListener l = new RecordingListener();
        cached.start(request("Fresh every time.", "step:fast"), l, SynthesisObserver.NONE, false)
                .completion().get(10, TimeUnit.SECONDS);
        assertThat(StepEngineProvider.STARTED).filteredOn(t -> t.contains("Fresh")).hasSize(2);
    }
}
