package dev.chorus.runtime;

import dev.chorus.audio.Wav;
import dev.chorus.audio.WavFiles;
import dev.chorus.testing.Pcm;
import dev.chorus.tts.AudioEncoding;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The whole runtime path over the real eSpeak NG engine: chunking, scheduling, ordering, resampling, WAV. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EspeakSynthesizerTest {

    private static final String TEXT = "Dr. Smith went to Washington. She arrived at noon, tired but happy. "
            + "The meeting lasted three hours. Everyone agreed on the plan.";

    private Synthesizer synth;

    @BeforeAll
    void open() {
        EngineRegistry registry = EngineRegistry.builder().enabledEngines(Set.of("espeak")).workers("espeak", 2)
                .defaultVoice("espeak:en-us").build();
        if (!registry.engines().containsKey("espeak")) {
            throw new AssertionError("the espeak engine is unavailable here (" + registry.unavailable().get("espeak")
                    + "): run scripts/install-test-deps.sh (libespeak-ng1, espeak-ng-data)");
        }
        synth = Synthesizer.builder().registry(registry).build();
    }

    @AfterAll
    void close() {
        if (synth != null) {
            synth.close();
        }
    }

    @Test
    void streamedAudioEqualsTheChunksSpokenOneByOneInOrder() throws Exception {
        RecordingListener l = new RecordingListener();
        SynthesisSummary s = synth.start(SynthesisRequest.of(TEXT, "espeak:en-us"), l).completion()
                .get(60, TimeUnit.SECONDS);
        assertThat(s.chunks()).isEqualTo(4);

        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        // The title is read out by the text pipeline before the engine sees it.
        for (String sentence : List.of("Doctor Smith went to Washington.", "She arrived at noon, tired but happy.",
                "The meeting lasted three hours.", "Everyone agreed on the plan.")) {
            Pcm.Collector one = new Pcm.Collector();
            synth.registry().voice("espeak:en-us").synthesize(sentence, SynthesisOptions.defaults(), one);
            expected.writeBytes(Pcm.toBytes(one.samples()));
        }
        short[] actual = new short[l.samples.size()];
        for (int i = 0; i < actual.length; i++) {
            actual[i] = l.samples.get(i);
        }
        byte[] e = expected.toByteArray();
        assertThat(actual).isEqualTo(Pcm.fromBytes(e, 0, e.length));
        assertThat(Pcm.rms(actual)).isGreaterThan(0.02);

        List<Timing> words = l.timings(Timing.Kind.WORD);
        assertThat(words).extracting(w -> TEXT.substring(w.sourceStart(), w.sourceEnd()))
                .startsWith("Dr.", "Smith", "went").contains("Washington", "happy", "Everyone").endsWith("plan");
    }

    @Test
    void resamplesToTheRequestedRate() throws Exception {
        RecordingListener l = new RecordingListener();
        SynthesisSummary s = synth.start(new SynthesisRequest(TEXT, "espeak:en-us", null, AudioEncoding.WAV,
                48_000, null), l).completion().get(60, TimeUnit.SECONDS);
        assertThat(s.sampleRate()).isEqualTo(48_000);
        assertThat(l.samples).hasSize((int) s.samples());
        assertThat(s.samples() / 48_000.0).isBetween(6.0, 14.0);
        short[] pcm = new short[l.samples.size()];
        for (int i = 0; i < pcm.length; i++) {
            pcm[i] = l.samples.get(i);
        }
        assertThat(Pcm.rms(pcm)).isGreaterThan(0.02);
        assertThat(s.timeToFirstAudio()).isLessThan(s.total());
    }
}
