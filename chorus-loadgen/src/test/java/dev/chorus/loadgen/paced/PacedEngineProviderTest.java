package dev.chorus.loadgen.paced;

import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.EngineContext;
import dev.chorus.tts.spi.TtsEngine;
import dev.chorus.tts.spi.Voice;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PacedEngineProviderTest {

    @Test
    void aSentenceTakesAtLeastItsSetTimeAndGivesAudioPerWord() {
        TtsEngine engine = new PacedEngineProvider().open(new EngineContext(2, Map.of("paced.sentence-millis", "30",
                "paced.char-millis", "2", "paced.voices", "a, b")));
        assertThat(engine.voices()).extracting(v -> v.id()).containsExactly("paced:a", "paced:b");
        Voice voice = engine.load("paced:b");
        AtomicInteger samples = new AtomicInteger();
        long start = System.nanoTime();
        boolean done = voice.synthesize("Three short words.", SynthesisOptions.defaults(), new AudioSink() {
            @Override
            public Action onAudio(short[] s, int offset, int length) {
                samples.addAndGet(length);
                return Action.CONTINUE;
            }
        });
        long tookMillis = (System.nanoTime() - start) / 1_000_000;
        assertThat(done).isTrue();
        // 30 ms + 18 characters x 2 ms: never less (sleeping can only overrun).
        assertThat(tookMillis).isGreaterThanOrEqualTo(66);
        assertThat(samples.get()).as("50 ms at 16 kHz a word").isEqualTo(3 * 800);
    }

    @Test
    void aWrongSettingIsNamedWithWhatWasExpected() {
        PacedEngineProvider p = new PacedEngineProvider();
        assertThatThrownBy(() -> p.open(new EngineContext(1, Map.of("paced.sentence-millis", "soon"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("engines.paced.sentence-millis: 'soon'").hasMessageContaining("expected");
        assertThatThrownBy(() -> p.open(new EngineContext(1, Map.of("paced.char-millis", "-1"))))
                .hasMessageContaining("engines.paced.char-millis: '-1'");
        assertThatThrownBy(() -> p.open(new EngineContext(1, Map.of("paced.voices", " , "))))
                .hasMessageContaining("engines.paced.voices");
    }
}
