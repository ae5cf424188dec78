package dev.chorus.runtime;

import dev.chorus.tts.SynthesisRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * Timings over the real eSpeak NG engine (22,050 Hz, delivered at its own rate, so sample offsets are exact):
 * word timings are ordered, inside the audio, point at the words of the input they were read from and start where
 * the audio is quiet; sentence timings start the chunks; SSML marks fall between their words; a 500 ms break is
 * 500 ms of silence where the document puts it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EspeakTimingsTest {

    private static final String TEXT = "The price is $5.20 today. Dr. Smith arrived at 10:30 on March 3rd, tired but "
            + "happy. We walked to the old mill and then we rested for an hour! Did everyone agree on the plan?";

    /** Frames for loudness measurements: 10 ms. */
    private static final int FRAME_MILLIS = 10;

    private Synthesizer synth;
    private Recording text;

    @BeforeAll
    void open() throws Exception {
        EngineRegistry registry = EngineRegistry.builder().enabledEngines(Set.of("espeak")).workers("espeak", 2)
                .defaultVoice("espeak:en-us").build();
        if (!registry.engines().containsKey("espeak")) {
            throw new AssertionError("the espeak engine is unavailable here (" + registry.unavailable().get("espeak")
                    + "): run scripts/install-test-deps.sh (libespeak-ng1, espeak-ng-data)");
        }
        synth = Synthesizer.builder().registry(registry).build();
        text = speak(TEXT);
    }

    @AfterAll
    void close() {
        if (synth != null) {
            synth.close();
        }
    }

    private Recording speak(String input) throws Exception {
        Recording r = new Recording();
        r.summary = synth.start(SynthesisRequest.of(input, "espeak:en-us"), r).completion().get(60, TimeUnit.SECONDS);
        return r;
    }

    @Test
    void wordTimingsAreOrderedAndInsideTheAudio() {
        List<Timing> words = text.timings(Timing.Kind.WORD);
        assertThat(words).hasSizeGreaterThan(30).noneMatch(Timing::estimated);
        assertThat(words).extracting(Timing::sampleOffset).isSorted()
                .allSatisfy(at -> assertThat(at).isBetween(0L, text.samples() - 1));
        assertThat(words).allSatisfy(w -> assertThat(w.timeMillis())
                .isEqualTo(Math.round(w.sampleOffset() * 1000.0 / text.summary.sampleRate())));
        // Each word has audio of its own: the next word starts at least 40 ms later.
        for (int i = 1; i < words.size(); i++) {
            assertThat(words.get(i).sampleOffset() - words.get(i - 1).sampleOffset()).as("after %s", words.get(i - 1))
                    .isGreaterThan(text.summary.sampleRate() / 25);
        }
    }

    @Test
    void eachWordPointsAtTheInputItWasReadFrom() {
        // Words that normalization wrote out map to the whole token they came from ("$5.20", "10:30", and "March
        // 3rd", which the date rule reads as one unit). eSpeak's dictionary speaks "for an" and "on the" as one
        // word each, so it reports no event for "an" and the second "the".
        assertThat(text.timings(Timing.Kind.WORD)).extracting(Timing::text,
                w -> TEXT.substring(w.sourceStart(), w.sourceEnd())).containsExactly(
                tuple("The", "The"), tuple("price", "price"), tuple("is", "is"),
                tuple("five", "$5.20"), tuple("dollars", "$5.20"), tuple("and", "$5.20"), tuple("twenty", "$5.20"),
                tuple("cents", "$5.20"), tuple("today", "today"),
                tuple("Doctor", "Dr."), tuple("Smith", "Smith"), tuple("arrived", "arrived"), tuple("at", "at"),
                tuple("ten", "10:30"), tuple("thirty", "10:30"), tuple("on", "on"), tuple("March", "March 3rd"),
                tuple("third", "March 3rd"), tuple("tired", "tired"), tuple("but", "but"), tuple("happy", "happy"),
                tuple("We", "We"), tuple("walked", "walked"), tuple("to", "to"), tuple("the", "the"),
                tuple("old", "old"), tuple("mill", "mill"), tuple("and", "and"), tuple("then", "then"),
                tuple("we", "we"), tuple("rested", "rested"), tuple("for", "for"), tuple("hour", "hour"),
                tuple("Did", "Did"), tuple("everyone", "everyone"), tuple("agree", "agree"), tuple("on", "on"),
                tuple("plan", "plan"));
    }

    /**
     * A word starts where the audio is quiet: a stop closure, a pause, or the dip between two syllables. Measured
     * on this text, the quietest 10 ms window within 10 ms of the start is below the median 10 ms frame of the
     * whole audio for 36 of 38 words (95%); the exceptions are vowel-initial words run into the vowel before
     * ("for an hour", "agree on"), where the voice never drops. As a check that the measure tells starts from other
     * points, the midpoints between consecutive word starts pass for only 15 of 38 (39%).
     */
    @Test
    void wordsStartWhereTheAudioIsQuiet() {
        short[] audio = text.audio();
        int rate = text.summary.sampleRate();
        int frame = rate * FRAME_MILLIS / 1000;
        double median = medianFrameRms(audio, frame);
        List<Timing> words = text.timings(Timing.Kind.WORD);
        int tolerance = rate * 10 / 1000;
        int quietStarts = 0;
        int quietMidpoints = 0;
        for (int i = 0; i < words.size(); i++) {
            long start = words.get(i).sampleOffset();
            long next = i + 1 < words.size() ? words.get(i + 1).sampleOffset() : audio.length;
            if (quietestWindow(audio, start, tolerance, frame) < median) {
                quietStarts++;
            }
            if (quietestWindow(audio, (start + next) / 2, tolerance, frame) < median) {
                quietMidpoints++;
            }
        }
        System.out.printf("EspeakTimingsTest: median frame RMS %.0f; quiet word starts %d/%d, quiet midpoints %d/%d%n",
                median, quietStarts, words.size(), quietMidpoints, words.size());
        assertThat(quietStarts).as("word starts at a quiet point").isGreaterThanOrEqualTo(words.size() * 8 / 10);
        assertThat(quietMidpoints).as("midpoints between word starts at a quiet point")
                .isLessThan(words.size() * 6 / 10);
    }

    @Test
    void sentenceTimingsStartTheChunks() {
        List<Timing> sentences = text.timings(Timing.Kind.SENTENCE);
        assertThat(sentences).extracting(s -> TEXT.substring(s.sourceStart(), s.sourceEnd())).containsExactly(
                "The price is $5.20 today.", "Dr. Smith arrived at 10:30 on March 3rd, tired but happy.",
                "We walked to the old mill and then we rested for an hour!", "Did everyone agree on the plan?");
        assertThat(sentences).extracting(Timing::text).startsWith("The price is five dollars and twenty cents today.");
        // One chunk per sentence: each sentence starts where the previous chunk's audio ended.
        List<Long> chunkStarts = new ArrayList<>();
        chunkStarts.add(0L);
        chunkStarts.addAll(text.chunkEnds.subList(0, text.chunkEnds.size() - 1));
        assertThat(sentences).extracting(Timing::sampleOffset).containsExactlyElementsOf(chunkStarts);
        List<Timing> words = text.timings(Timing.Kind.WORD);
        for (Timing s : sentences) {
            Timing first = words.stream().filter(w -> w.sourceStart() >= s.sourceStart()).findFirst().orElseThrow();
            assertThat(first.sampleOffset()).as("first word of %s", s.text()).isEqualTo(s.sampleOffset());
        }
        assertThat(text.chunkEnds.getLast()).isEqualTo(text.samples());
    }

    @Test
    void marksLandBetweenTheWordsAroundThem() throws Exception {
        String ssml = "<speak><mark name=\"begin\"/>We walked to the old mill <mark name=\"mill\"/>and then we "
                + "rested. <mark name=\"end\"/></speak>";
        Recording r = speak(ssml);
        List<Timing> marks = r.timings(Timing.Kind.MARK);
        assertThat(marks).extracting(Timing::text).containsExactly("begin", "mill", "end");
        assertThat(marks).allSatisfy(m -> assertThat(ssml.substring(m.sourceStart())).startsWith("<mark name=\""
                + m.text() + "\"/>"));
        Timing mill = r.word("mill", ssml);
        Timing and = r.word("and", ssml);
        assertThat(marks.get(0).sampleOffset()).isZero();
        assertThat(marks.get(1).sampleOffset()).isGreaterThan(mill.sampleOffset())
                .isLessThanOrEqualTo(and.sampleOffset());
        assertThat(marks.get(2).sampleOffset()).isEqualTo(r.samples());
        assertThat(r.timings(Timing.Kind.WORD)).extracting(w -> ssml.substring(w.sourceStart(), w.sourceEnd()))
                .containsExactly("We", "walked", "to", "the", "old", "mill", "and", "then", "we", "rested");
    }

    @Test
    void aHalfSecondBreakIsHalfASecondOfSilenceWhereTheDocumentPutsIt() throws Exception {
        String ssml = "<speak>Before the pause.<break time=\"500ms\"/>After the pause.</speak>";
        Recording r = speak(ssml);
        int rate = r.summary.sampleRate();
        Timing firstPause = r.word("pause", ssml);
        Timing after = r.word("After", ssml);
        // The plan is: the first sentence, 500 ms of zeros, the second sentence.
        long breakStart = r.chunkEnds.getFirst();
        assertThat(r.chunkEnds.get(1) - breakStart).isEqualTo(rate / 2);
        assertThat(after.sampleOffset()).isEqualTo(breakStart + rate / 2);

        short[] audio = r.audio();
        int frame = rate * FRAME_MILLIS / 1000;
        long[] quiet = longestQuietRun(audio, firstPause.sampleOffset(), after.sampleOffset(), frame);
        double quietMillis = (quiet[1] - quiet[0]) * 1000.0 / rate;
        System.out.printf("EspeakTimingsTest: quiet from %.0f ms to %.0f ms (%.0f ms); break at %.0f ms%n",
                quiet[0] * 1000.0 / rate, quiet[1] * 1000.0 / rate, quietMillis, breakStart * 1000.0 / rate);
        assertThat(quietMillis).isGreaterThanOrEqualTo(480);
        // The quiet stretch holds the break: eSpeak's own pause before it, the 500 ms, and the silence before
        // the next word's first sound.
        assertThat(quiet[0]).isLessThanOrEqualTo(breakStart + frame);
        assertThat(quiet[1]).isGreaterThanOrEqualTo(breakStart + rate / 2 - frame);

        // Without the break, the same two sentences have no quiet stretch that long between them.
        Recording plain = speak("Before the pause. After the pause.");
        long[] gap = longestQuietRun(plain.audio(), plain.word("pause", "Before the pause. After the pause.")
                .sampleOffset(), plain.word("After", "Before the pause. After the pause.").sampleOffset(), frame);
        double gapMillis = (gap[1] - gap[0]) * 1000.0 / rate;
        System.out.printf("EspeakTimingsTest: without the break, quiet for %.0f ms%n", gapMillis);
        assertThat(gapMillis).isLessThan(quietMillis - 400);
    }

    /** Returns the median RMS of the audio's frames. */
    private static double medianFrameRms(short[] audio, int frame) {
        double[] frames = new double[audio.length / frame];
        for (int i = 0; i < frames.length; i++) {
            frames[i] = rms(audio, i * frame, frame);
        }
        Arrays.sort(frames);
        return frames[frames.length / 2];
    }

    /** Returns the lowest RMS of a one-frame window centred within {@code tolerance} samples of {@code at}. */
    private static double quietestWindow(short[] audio, long at, int tolerance, int frame) {
        double best = Double.MAX_VALUE;
        for (long centre = at - tolerance; centre <= at + tolerance; centre += frame / 10) {
            best = Math.min(best, rms(audio, (int) Math.max(0, centre - frame / 2), frame));
        }
        return best;
    }

    /**
     * Returns {@code [start, end)} of the longest run of near-silent frames (RMS under 1% of full scale, -40 dBFS)
     * in {@code [from, to)}.
     */
    private static long[] longestQuietRun(short[] audio, long from, long to, int frame) {
        long[] best = {from, from};
        long runStart = -1;
        for (long at = from; at + frame <= to; at += frame) {
            boolean quiet = rms(audio, (int) at, frame) < 328;
            if (quiet && runStart < 0) {
                runStart = at;
            }
            long runEnd = quiet ? at + frame : at;
            if (runStart >= 0 && runEnd - runStart > best[1] - best[0]) {
                best = new long[] {runStart, runEnd};
            }
            if (!quiet) {
                runStart = -1;
            }
        }
        return best;
    }

    private static double rms(short[] audio, int from, int length) {
        int end = Math.min(audio.length, from + length);
        double sum = 0;
        for (int i = from; i < end; i++) {
            sum += (double) audio[i] * audio[i];
        }
        return end > from ? Math.sqrt(sum / (end - from)) : 0;
    }

    /** Everything one synthesis delivered. */
    private static final class Recording implements SynthesisListener {
        final List<short[]> parts = new ArrayList<>();
        final List<Timing> timings = new ArrayList<>();
        /** The number of samples delivered when each piece of the plan was done. */
        final List<Long> chunkEnds = new ArrayList<>();
        SynthesisSummary summary;
        private long samples;

        @Override
        public void onAudio(short[] s, int offset, int length) {
            parts.add(Arrays.copyOfRange(s, offset, offset + length));
            samples += length;
        }

        @Override
        public void onTiming(Timing timing) {
            timings.add(timing);
        }

        @Override
        public void onChunkDone(int index, int chunks) {
            chunkEnds.add(samples);
        }

        long samples() {
            assertThat(summary.samples()).isEqualTo(samples);
            return samples;
        }

        List<Timing> timings(Timing.Kind kind) {
            return timings.stream().filter(t -> t.kind() == kind).toList();
        }

        /** Returns the first word timing whose source is {@code word}. */
        Timing word(String word, String input) {
            return timings(Timing.Kind.WORD).stream()
                    .filter(w -> input.substring(w.sourceStart(), w.sourceEnd()).equals(word)).findFirst()
                    .orElseThrow(() -> new AssertionError("no timing for " + word + " in " + timings));
        }

        short[] audio() {
            short[] out = new short[Math.toIntExact(samples)];
            int at = 0;
            for (short[] p : parts) {
                System.arraycopy(p, 0, out, at, p.length);
                at += p.length;
            }
            return out;
        }
    }
}
