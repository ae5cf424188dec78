package dev.chorus.runtime;

import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.Pronunciation;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.TextOptions;
import dev.chorus.tts.VoiceNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * SSML, lexicons and timings end to end through the runtime, on the step engine: each word is 10 ms (160 samples)
 * of a level of 100 x the chunk's word count, so pauses, volume and chunking can be read from the audio.
 */
class SsmlSynthesisTest {

    private static final int WORD = StepEngineProvider.RATE / 100;

    private Synthesizer synth;

    @BeforeEach
    void setUp() {
        StepEngineProvider.reset();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new StepEngineProvider()))
                .workers("step", 2).defaultVoice("step:fast").alias("narrator", List.of("step:nope", "step:slow"))
                .build();
        synth = Synthesizer.builder().registry(registry).build();
    }

    @AfterEach
    void tearDown() {
        synth.close();
    }

    private RecordingListener run(String text, String voice) throws Exception {
        RecordingListener l = new RecordingListener();
        synth.start(SynthesisRequest.of(text, voice), l).completion().get(10, TimeUnit.SECONDS);
        return l;
    }

    @Test
    void breakIsExactSilenceAndMarksLandBetweenTheWords() throws Exception {
        String ssml = "<speak>One two.<break time=\"250ms\"/><mark name=\"here\"/>Three.</speak>";
        RecordingListener l = run(ssml, null);

        // "One two." (2 words), 250 ms = 4000 samples of silence, then "Three." (1 word).
        assertThat(l.samples).hasSize(2 * WORD + 4000 + WORD);
        assertThat(l.samples.subList(2 * WORD, 2 * WORD + 4000)).containsOnly((short) 0);
        assertThat(l.levels()).containsExactly(200, 0, 100);

        Timing mark = l.timings(Timing.Kind.MARK).getFirst();
        assertThat(mark.text()).isEqualTo("here");
        assertThat(mark.sampleOffset()).isEqualTo(2 * WORD + 4000);
        assertThat(mark.timeMillis()).isEqualTo(270);
        assertThat(ssml.substring(mark.sourceStart())).startsWith("<mark name=\"here\"/>");

        List<Timing> words = l.timings(Timing.Kind.WORD);
        assertThat(words).extracting(w -> ssml.substring(w.sourceStart(), w.sourceEnd()))
                .containsExactly("One", "two.", "Three.");
        assertThat(words).extracting(Timing::sampleOffset).containsExactly(0L, (long) WORD, 2L * WORD + 4000);
    }

    @Test
    void timingsStayInsideResampledAudio() throws Exception {
        // Three pieces of 160 samples at 16 kHz, delivered at 22.05 kHz: 220.5 samples each, 662 in all.
        String ssml = "<speak>One <prosody volume=\"+1dB\">two</prosody> three<mark name=\"end\"/></speak>";
        RecordingListener l = new RecordingListener();
        SynthesisSummary s = synth.start(new SynthesisRequest(ssml, null, null, null, 22_050, null), l).completion()
                .get(10, TimeUnit.SECONDS);
        assertThat(s.samples()).isEqualTo(662).isEqualTo(l.samples.size());
        assertThat(l.timings(Timing.Kind.MARK).getFirst().sampleOffset()).isEqualTo(662);
        assertThat(l.timings(Timing.Kind.WORD)).extracting(Timing::sampleOffset).containsExactly(0L, 221L, 441L);
    }

    @Test
    void prosodyVolumeScalesTheAudioAndStaysInItsOwnChunk() throws Exception {
        RecordingListener l = run("<speak>Hello <prosody volume=\"+6dB\">big</prosody> world.</speak>", null);
        // Three chunks: "Hello" (100), "big" at +6 dB (100 x 1.995), "world." (100).
        assertThat(l.levels()).containsExactly(100, 200, 100);
        assertThat(StepEngineProvider.STARTED).containsExactlyInAnyOrder("Hello", "big", "world.");
    }

    @Test
    void voiceElementSwitchesVoiceThroughAliasFallback() throws Exception {
        RecordingListener l = run("<speak>One.<voice name=\"narrator\">Two three.</voice></speak>", "step:fast");
        assertThat(l.summary.voice()).isEqualTo("step:fast");
        assertThat(l.levels()).containsExactly(100, 200);
    }

    @Test
    void sayAsAndSubAreReadAsAsked() throws Exception {
        run("<speak><say-as interpret-as=\"characters\">ABC</say-as> and <sub alias=\"World Wide Web\">WWW</sub>"
                + "</speak>", null);
        assertThat(String.join(" | ", StepEngineProvider.STARTED)).contains("A B C").contains("World Wide Web")
                .doesNotContain("WWW");
    }

    @Test
    void numbersAreReadUnlessNormalizationIsOff() throws Exception {
        RecordingListener l = new RecordingListener();
        synth.start(SynthesisRequest.of("It costs $5.", null), l).completion().get(10, TimeUnit.SECONDS);
        assertThat(StepEngineProvider.STARTED.getLast()).isEqualTo("It costs five dollars.");
        Timing five = l.timings(Timing.Kind.WORD).get(2);
        assertThat("It costs $5.".substring(five.sourceStart(), five.sourceEnd())).isEqualTo("$5");

        StepEngineProvider.STARTED.clear();
        SynthesisRequest raw = SynthesisRequest.of("It costs $5.", null)
                .withTextOptions(new TextOptions(TextOptions.Format.AUTO, false, List.of()));
        synth.start(raw, new RecordingListener()).completion().get(10, TimeUnit.SECONDS);
        assertThat(StepEngineProvider.STARTED.getLast()).isEqualTo("It costs $5.");
    }

    @Test
    void requestLexiconReplacesWordsAndKeepsSourceOffsets() throws Exception {
        String text = "Deploy on k8s today.";
        SynthesisRequest r = SynthesisRequest.of(text, null).withTextOptions(new TextOptions(TextOptions.Format.TEXT,
                true, List.of(new Pronunciation("k8s", false, "kubernetes", null))));
        RecordingListener l = new RecordingListener();
        synth.start(r, l).completion().get(10, TimeUnit.SECONDS);
        assertThat(StepEngineProvider.STARTED.getLast()).isEqualTo("Deploy on kubernetes today.");
        Timing k = l.timings(Timing.Kind.WORD).get(2);
        assertThat(text.substring(k.sourceStart(), k.sourceEnd())).isEqualTo("k8s");
    }

    @Test
    void aRequestRegexThatBacktracksTooMuchIsBadInput() {
        SynthesisRequest r = SynthesisRequest.of("a".repeat(40) + "b", null).withTextOptions(new TextOptions(
                TextOptions.Format.AUTO, true, List.of(new Pronunciation("(a+)+\\1$", true, "x", null))));
        assertThatThrownBy(() -> synth.start(r, new RecordingListener())).isInstanceOfSatisfying(
                InvalidInputException.class, e -> assertThat(e.param()).isEqualTo("lexicon"))
                .hasMessageStartingWith("lexicon: regex: \"(a+)+\\1$\"").hasMessageContaining("backtracks too much");
        assertThat(StepEngineProvider.STARTED).isEmpty();
    }

    @Test
    void plainFormatNeverParsesMarkup() throws Exception {
        SynthesisRequest r = SynthesisRequest.of("<speak>literal</speak>", null)
                .withTextOptions(new TextOptions(TextOptions.Format.TEXT, true, List.of()));
        synth.start(r, new RecordingListener()).completion().get(10, TimeUnit.SECONDS);
        assertThat(StepEngineProvider.STARTED.getLast()).contains("speak");
    }

    @Test
    void ignoredElementsComeBackAsWarnings() throws Exception {
        RecordingListener l = new RecordingListener();
        List<String> warnings = new java.util.ArrayList<>();
        synth.start(SynthesisRequest.of("<speak><audio src=\"http://example.com/x.wav\">Ding.</audio></speak>",
                null), new SynthesisListener() {
                    @Override
                    public void onWarning(String warning) {
                        warnings.add(warning);
                    }

                    @Override
                    public void onAudio(short[] samples, int offset, int length) {
                        l.onAudio(samples, offset, length);
                    }
                }).completion().get(10, TimeUnit.SECONDS);
        assertThat(warnings).anyMatch(w -> w.contains("audio"));
        assertThat(l.samples).isNotEmpty();
    }

    @Test
    void badSsmlAndEmptyDocumentsAreRejectedBeforeAnyWork() {
        assertThatThrownBy(() -> synth.start(SynthesisRequest.of("<speak>Hi <break time=\"20s\"/></speak>", null),
                new RecordingListener())).isInstanceOf(InvalidInputException.class).hasMessageContaining("line 1");
        assertThatThrownBy(() -> synth.start(SynthesisRequest.of("<speak><break time=\"1s\"/></speak>", null),
                new RecordingListener())).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("nothing to speak");
        assertThatThrownBy(() -> synth.start(SynthesisRequest.of("<speak><voice name=\"step:none\">x</voice></speak>",
                null), new RecordingListener())).isInstanceOf(VoiceNotFoundException.class);
        assertThat(StepEngineProvider.STARTED).isEmpty();
    }

    @Test
    void volumeOptionScalesEveryEngineAndClipsInsteadOfWrapping() throws Exception {
        RecordingListener l = new RecordingListener();
        SynthesisRequest r = new SynthesisRequest("go ".repeat(39) + "go.", null,
                new SynthesisOptions(1.0, null, 0, 20), null, 0, null);
        synth.start(r, l).completion().get(10, TimeUnit.SECONDS);
        // 40 words -> level 4000, x10 at +20 dB = 40000, which clips to the 16-bit maximum.
        assertThat(l.levels()).containsExactly((int) Short.MAX_VALUE);
    }

    @Test
    void wordTimingsAreEstimatedAndMarkedWhenTheEngineGivesNone() throws Exception {
        String text = "Alpha beta gamma. Delta.";
        RecordingListener l = new RecordingListener();
        synth.start(SynthesisRequest.of(text, "step:wordless"), l).completion().get(10, TimeUnit.SECONDS);
        List<Timing> words = l.timings(Timing.Kind.WORD);
        assertThat(words).extracting(w -> text.substring(w.sourceStart(), w.sourceEnd()))
                .containsExactly("Alpha", "beta", "gamma", "Delta");
        assertThat(words).allMatch(Timing::estimated);
        // Spread over each sentence's own audio: 3 words in the first 480 samples, the last at the second's start.
        assertThat(words).extracting(Timing::sampleOffset).isSorted().startsWith(0L).endsWith(3L * WORD);
        assertThat(words.get(2).sampleOffset()).isBetween((long) WORD, 3L * WORD - 1);

        RecordingListener exact = new RecordingListener();
        synth.start(SynthesisRequest.of(text, "step:fast"), exact).completion().get(10, TimeUnit.SECONDS);
        assertThat(exact.timings(Timing.Kind.WORD)).hasSize(4).noneMatch(Timing::estimated);
    }
}
