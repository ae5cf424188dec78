package dev.chorus.engine.piper.internal;

import dev.chorus.engine.piper.PiperEngineProvider;
import dev.chorus.engine.piper.PiperFixture;
import dev.chorus.engine.piper.PiperVoice;
import dev.chorus.testing.piper.TestVoiceGenerator;
import dev.chorus.testing.Pcm;
import dev.chorus.testing.Signals;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.VoiceNotFoundException;
import dev.chorus.tts.spi.AudioSink;
import dev.chorus.tts.spi.SynthesisEvent;
import dev.chorus.tts.spi.TtsEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Text to ids to audio on the checked-in test voices, whose tones make every step measurable. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SynthesisTest {

    private static final int TONE = TestVoiceGenerator.FRAMES_PER_ID * TestVoiceGenerator.HOP_LENGTH;
    private static final TestVoiceGenerator.Spec SPEC = PiperFixture.spec("test-voice");

    private TtsEngine engine;
    private PiperVoice voice;

    @BeforeAll
    void open() {
        engine = PiperFixture.open();
        voice = (PiperVoice) engine.load("piper:test-voice");
    }

    @AfterAll
    void close() {
        engine.close();
    }

    private short[] ids(long[] ids, SynthesisOptions options) {
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(voice.synthesizeIds(ids, options, sink)).isTrue();
        return sink.samples();
    }

    @Test
    void phonemizesKnownSentencesToPipersExactIds() {
        PiperFixture.assumeEspeak(engine);
        assertThat(voice.phonemeIds("Hello world.")).singleElement().isEqualTo(new long[] {
                1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 3, 0, 35, 0, 120, 0, 62, 0, 122, 0, 24, 0, 17, 0,
                10, 0, 2});
        // "həlˈoʊ, wˈɜːld!" and "haʊ ɑːɹ juː?": one run per sentence, the comma followed by a space
        assertThat(voice.phonemeIds("Hello, world! How are you?")).containsExactly(
                new long[] {1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 8, 0, 3, 0, 35, 0, 120, 0, 62, 0, 122,
                        0, 24, 0, 17, 0, 4, 0, 2},
                new long[] {1, 0, 20, 0, 120, 0, 14, 0, 100, 0, 3, 0, 51, 0, 122, 0, 88, 0, 3, 0, 22, 0, 33, 0, 122,
                        0, 13, 0, 2});
    }

    @Test
    void idsBecomeOneToneEachOfTheExpectedLengthAndPitch() {
        long[] ids = {1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 2};
        short[] pcm = ids(ids, SynthesisOptions.defaults());
        assertThat(pcm).hasSize(ids.length * TONE);
        // PCM16 is the model's float times 32767, truncated
        for (int k = 0; k < ids.length; k++) {
            for (int i = 0; i < TONE; i += 7) {
                double v = TestVoiceGenerator.sample(SPEC, ids[k], 0, i) * 32767;
                assertThat((double) pcm[k * TONE + i]).as("id %d sample %d", ids[k], i).isCloseTo(v, within(2.0));
            }
        }
        // At a quarter of the speed each tone is long enough to measure its pitch.
        int slow = TestVoiceGenerator.framesPerId(4) * TestVoiceGenerator.HOP_LENGTH;
        short[] quarter = ids(ids, SynthesisOptions.defaults().withSpeed(0.25));
        assertThat(quarter).hasSize(ids.length * slow);
        for (int k = 0; k < ids.length; k++) {
            short[] segment = Arrays.copyOfRange(quarter, k * slow, (k + 1) * slow);
            assertThat(Signals.dominantFrequency(segment, TestVoiceGenerator.SAMPLE_RATE)).as("tone of id %d", ids[k])
                    .isCloseTo(TestVoiceGenerator.frequency(SPEC, ids[k]), within(5.0));
        }
    }

    @Test
    void speedScalesTheLength() {
        long[] ids = {1, 0, 30, 0, 31, 0, 2};
        int normal = ids(ids, SynthesisOptions.defaults()).length;
        assertThat(ids(ids, SynthesisOptions.defaults().withSpeed(2.0))).hasSize(normal / 2);
        assertThat(ids(ids, SynthesisOptions.defaults().withSpeed(0.5))).hasSize(normal * 2);
    }

    @Test
    void speedTwoHalvesASentence() {
        PiperFixture.assumeEspeak(engine);
        Pcm.Collector normal = new Pcm.Collector();
        voice.synthesize("The quick brown fox jumps over the lazy dog.", SynthesisOptions.defaults(), normal);
        Pcm.Collector fast = new Pcm.Collector();
        voice.synthesize("The quick brown fox jumps over the lazy dog.", SynthesisOptions.defaults().withSpeed(2),
                fast);
        assertThat(fast.samples().length * 2).isEqualTo(normal.samples().length);
        assertThat(normal.samples().length).isEqualTo(voice.phonemeIds("The quick brown fox jumps over the lazy dog.")
                .getFirst().length * TONE);
    }

    @Test
    void speakersSoundDifferent() {
        long[] ids = {1, 0, 30, 0, 2};
        double[] rms = new double[3];
        for (int sid = 0; sid < 3; sid++) {
            PiperVoice v = (PiperVoice) engine.load("piper:test-voice-multi#" + TestVoiceGenerator.SPEAKERS.get(sid));
            assertThat(v.speakerId()).isEqualTo(sid);
            Pcm.Collector sink = new Pcm.Collector();
            v.synthesizeIds(ids, SynthesisOptions.defaults(), sink);
            rms[sid] = Pcm.rms(sink.samples());
        }
        assertThat(rms[1] / rms[0]).isCloseTo(2.0, within(0.05));
        assertThat(rms[2] / rms[0]).isCloseTo(3.0, within(0.05));
        PiperVoice byNumber = (PiperVoice) engine.load("piper:test-voice-multi#2");
        assertThat(byNumber.speakerId()).isEqualTo(2);
        assertThat(((PiperVoice) engine.load("piper:test-voice-multi")).speakerId()).isZero();
        assertThat(engine.voices()).extracting(v -> v.id()).contains("piper:test-voice-multi",
                "piper:test-voice-multi#alice", "piper:test-voice-multi#bob", "piper:test-voice-multi#carol");
        assertThatThrownBy(() -> engine.load("piper:test-voice-multi#dave"))
                .isInstanceOf(VoiceNotFoundException.class).hasMessageContaining("piper:test-voice-multi#alice");
        assertThatThrownBy(() -> engine.load("piper:test-voice-multi#3")).isInstanceOf(VoiceNotFoundException.class);
        assertThatThrownBy(() -> engine.load("piper:test-voice#alice")).isInstanceOf(VoiceNotFoundException.class);
    }

    @Test
    void runsOncePerSentenceAndDeliversEachBeforeTheNext() {
        PiperFixture.assumeEspeak(engine);
        PiperModel model = ((PiperVoiceHandle) voice).model().model();
        List<Long> runsAtAudio = new ArrayList<>();
        List<SynthesisEvent> sentences = new ArrayList<>();
        long before = model.runs.get();
        voice.synthesize("One, two. Three; four? Five!", SynthesisOptions.defaults(), new AudioSink() {
            @Override
            public Action onAudio(short[] samples, int offset, int length) {
                runsAtAudio.add(model.runs.get() - before);
                return Action.CONTINUE;
            }

            @Override
            public Action onEvent(SynthesisEvent event) {
                sentences.add(event);
                return Action.CONTINUE;
            }
        });
        assertThat(model.runs.get() - before).isEqualTo(3);
        assertThat(runsAtAudio).containsExactly(1L, 2L, 3L);
        assertThat(sentences).extracting(e -> ((SynthesisEvent.Sentence) e).textOffset()).containsExactly(0, 10, 23);
    }

    @Test
    void stopsWhenTheSinkSaysStop() {
        PiperFixture.assumeEspeak(engine);
        PiperModel model = ((PiperVoiceHandle) voice).model().model();
        long before = model.runs.get();
        Pcm.Collector sink = new Pcm.Collector(1);
        assertThat(voice.synthesize("One. Two. Three.", SynthesisOptions.defaults(), sink)).isFalse();
        assertThat(model.runs.get() - before).isEqualTo(1);
        assertThat(sink.calledAfterStop()).isFalse();
    }

    @Test
    void reportsWordsWhenTheModelGivesDurations() {
        PiperFixture.assumeEspeak(engine);
        PiperVoice durations = (PiperVoice) engine.load("piper:test-voice-durations");
        String text = "Hello big world. Bye now.";
        Pcm.Collector sink = new Pcm.Collector();
        durations.synthesize(text, SynthesisOptions.defaults(), sink);
        List<SynthesisEvent.Word> words = sink.events().stream().filter(SynthesisEvent.Word.class::isInstance)
                .map(SynthesisEvent.Word.class::cast).toList();
        assertThat(words).extracting(w -> text.substring(w.textOffset(), w.textOffset() + w.textLength()))
                .containsExactly("Hello", "big", "world", "Bye", "now");
        List<long[]> ids = durations.phonemeIds(text);
        // "həlˈoʊ bˈɪɡ wˈɜːld." : words start at ids 2, 2 + 2 * 7, 2 + 2 * 12; each id is one tone
        assertThat(words.get(0).sampleOffset()).isEqualTo(2L * TONE);
        assertThat(words.get(1).sampleOffset()).isEqualTo(16L * TONE);
        assertThat(words.get(2).sampleOffset()).isEqualTo(26L * TONE);
        assertThat(words.get(3).sampleOffset()).isEqualTo((ids.get(0).length + 2L) * TONE);
        assertThat(voice.synthesize(text, SynthesisOptions.defaults(), new Pcm.Collector())).isTrue();
    }

    @Test
    void speaksIpaGivenDirectly() {
        PiperVoice durations = (PiperVoice) engine.load("piper:test-voice-durations");
        assertThat(durations.supportsPhonemes()).isTrue();
        Pcm.Collector sink = new Pcm.Collector();
        assertThat(durations.synthesizePhonemes("həlˈoʊ wˈɜːld", SynthesisOptions.defaults(), sink)).isTrue();
        assertThat(sink.samples()).hasSize((2 + 2 * 13 + 1) * TONE);
        assertThat(sink.events()).containsExactly(new SynthesisEvent.Word(0, 6, 2L * TONE),
                new SynthesisEvent.Word(7, 6, 16L * TONE));
    }

    @Test
    void addsTheConfiguredSilenceAfterEachSentence() {
        PiperFixture.assumeEspeak(engine);
        try (TtsEngine withSilence = PiperFixture.open(PiperFixture.VOICES, 1,
                Map.of(PiperEngineProvider.SENTENCE_SILENCE, "100ms"))) {
            PiperVoice v = (PiperVoice) withSilence.load("piper:test-voice");
            Pcm.Collector sink = new Pcm.Collector();
            v.synthesize("Hi. Yes.", SynthesisOptions.defaults(), sink);
            int speech = v.phonemeIds("Hi. Yes.").stream().mapToInt(a -> a.length).sum() * TONE;
            assertThat(sink.samples()).hasSize(speech + 2 * 2205);
        }
    }

    @Test
    void rejectsEmptyInput() {
        assertThatThrownBy(() -> voice.synthesizeIds(new long[0], SynthesisOptions.defaults(), new Pcm.Collector()))
                .isInstanceOf(InvalidInputException.class);
        assertThatThrownBy(() -> voice.synthesizePhonemes(" ", SynthesisOptions.defaults(), new Pcm.Collector()))
                .isInstanceOf(InvalidInputException.class);
    }
}
