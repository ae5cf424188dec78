package dev.chorus.engine.espeak.internal;

import dev.chorus.engine.espeak.EspeakFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** One library copy: rewinding its statics makes output history-independent without leaking its heap. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EspeakInstanceTest {

    private EspeakInstance instance;

    @BeforeAll
    void load() {
        EspeakFixture.assumeAvailable();
        instance = PrivateCopies.load(LibraryLocator.library(null), null, 1).getFirst();
    }

    @AfterAll
    void unload() {
        if (instance != null) {
            instance.close();
        }
    }

    private String speak(String voice, String text, int wpm) {
        EspeakFixture.Samples sink = new EspeakFixture.Samples();
        assertThat(instance.synthesize(voice, text, wpm, sink)).isTrue();
        short[] s = sink.samples();
        return s.length + ":" + Arrays.hashCode(s);
    }

    @Test
    void rewindsOnThisLibraryBuild() {
        assertThat(instance.rewinds()).as("statics are rewound (Debian 1.51 x86-64)").isTrue();
        assertThat(instance.sampleRate()).isEqualTo(22_050);
    }

    @Test
    void theSameTextGivesTheSameAudioWhateverCameBefore() {
        String first = speak("gmw/en-US", "Hello there.", 175);
        assertThat(speak("gmw/en-US", "Hello there.", 175)).isEqualTo(first);
        speak("gmw/de", "Guten Tag, Team.", 175);
        speak("gmw/en-US", "Something else entirely, quickly.", 600);
        instance.phonemize("gmw/en-US", "Phonemes in between.");
        assertThat(speak("gmw/en-US", "Hello there.", 175)).isEqualTo(first);
    }

    @Test
    void theLibrarysHeapStaysBoundedAcrossRewinds() {
        List<String[]> work = List.of(new String[] {"gmw/en-US", "Switching: Привет, мир."},
                new String[] {"gmw/de", "Ein Meeting mit dem Team, okay?"},
                new String[] {"sit/cmn", "我们用 Java 写代码。"},
                new String[] {"gmw/en-US", "Fast and compressed by sonic."});
        for (String[] w : work) {
            speak(w[0], w[1], w[1].startsWith("Fast") ? 700 : 175);
        }
        int settled = instance.liveBlocks();
        for (int round = 0; round < 25; round++) {
            for (String[] w : work) {
                speak(w[0], w[1], w[1].startsWith("Fast") ? 700 : 175);
            }
        }
        assertThat(instance.liveBlocks()).isBetween(settled - 10, settled + 10);
    }
}
