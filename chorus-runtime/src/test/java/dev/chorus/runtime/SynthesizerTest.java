package dev.chorus.runtime;

import dev.chorus.tts.DeadlineExceededException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.OverloadedException;
import dev.chorus.tts.SynthesisCancelledException;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.VoiceNotFoundException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SynthesizerTest {

    private Synthesizer synth;

    @BeforeEach
    void setUp() {
        StepEngineProvider.reset();
        synth = build(2, 32);
    }

    @AfterEach
    void tearDown() {
        synth.close();
    }

    private static Synthesizer build(int workers, int pendingPerWorker) {
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new StepEngineProvider()))
                .workers("step", workers).defaultVoice("step:fast").build();
        return Synthesizer.builder().registry(registry).maxInputChars(2000).maxPendingPerWorker(pendingPerWorker)
                .lookahead(2).build();
    }

    private static SynthesisRequest request(String text, String voice) {
        return SynthesisRequest.of(text, voice);
    }

    @Test
    void deliversChunksInTextOrderEvenWhenLaterChunksFinishFirst() throws Exception {
        // Chunk i has 6-i words: earlier chunks take longer, so later ones would finish first without ordering.
        StepEngineProvider.WORD_MILLIS.put("slow", 15L);
        String text = "A b c d e f. A b c d e. A b c d. A b c. A b. A.";
        RecordingListener l = new RecordingListener();
        SynthesisSummary s = synth.start(request(text, "step:slow"), l).completion().get(10, TimeUnit.SECONDS);

        assertThat(l.levels()).containsExactly(600, 500, 400, 300, 200, 100);
        assertThat(l.chunksDone).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(l.overlapped).isFalse();
        assertThat(s.chunks()).isEqualTo(6);
        assertThat(s.samples()).isEqualTo(21 * 160);
    }

    @Test
    void wordEventsPointIntoTheWholeTextAndTheWholeAudio() throws Exception {
        String text = "Hello there. General Kenobi.";
        RecordingListener l = new RecordingListener();
        synth.start(request(text, null), l).completion().get(10, TimeUnit.SECONDS);
        List<Timing> words = l.timings(Timing.Kind.WORD);
        assertThat(words).extracting(w -> text.substring(w.sourceStart(), w.sourceEnd()))
                .containsExactly("Hello", "there.", "General", "Kenobi.");
        assertThat(words).extracting(Timing::sampleOffset).containsExactly(0L, 160L, 320L, 480L);
        assertThat(words).allMatch(w -> !w.estimated());
        assertThat(l.timings(Timing.Kind.SENTENCE)).extracting(t -> text.substring(t.sourceStart(), t.sourceEnd()))
                .containsExactly("Hello there.", "General Kenobi.");
        assertThat(l.timings(Timing.Kind.SENTENCE)).extracting(Timing::sampleOffset).containsExactly(0L, 320L);
    }

    @Test
    void resamplesToTheRequestedRate() throws Exception {
        RecordingListener l = new RecordingListener();
        SynthesisRequest r = new SynthesisRequest("One two three four.", "step:fast", null, null, 48_000, null);
        SynthesisSummary s = synth.start(r, l).completion().get(10, TimeUnit.SECONDS);
        assertThat(s.sampleRate()).isEqualTo(48_000);
        assertThat((double) l.samples.size()).isCloseTo(4 * 160 * 3, org.assertj.core.data.Percentage.withPercentage(2));
    }

    @Test
    void cancelStopsTheEngineAndFreesTheWorkers() throws Exception {
        StepEngineProvider.WORD_MILLIS.put("slow", 20L);
        String text = "word ".repeat(30) + ". " + "more words here. ".repeat(10);
        RecordingListener l = new RecordingListener();
        SynthesisHandle h = synth.start(request(text, "step:slow"), l);
        assertThat(l.firstAudio.await(5, TimeUnit.SECONDS)).isTrue();
        h.cancel();

        assertThatThrownBy(() -> h.completion().get(5, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SynthesisCancelledException.class);
        await().atMost(Duration.ofSeconds(2)).until(() -> synth.scheduler().inFlight() == 0
                && StepEngineProvider.RUNNING.get() == 0);
        assertThat(StepEngineProvider.STOPPED.get()).as("engine told to stop").isGreaterThanOrEqualTo(1);
        assertThat(synth.scheduler().pendingRequests("step")).isZero();
        assertThat(l.error).isInstanceOf(SynthesisCancelledException.class);
    }

    @Test
    void aListenerThatThrowsCancelsTheRequest() {
        StepEngineProvider.WORD_MILLIS.put("slow", 5L);
        SynthesisListener broken = (s, o, n) -> {
            throw new IllegalStateException("client went away");
        };
        SynthesisHandle h = synth.start(request("One two three. Four five six.", "step:slow"), broken);
        assertThatThrownBy(() -> h.completion().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(SynthesisCancelledException.class).hasMessageContaining("client went away");
        await().atMost(Duration.ofSeconds(2)).until(() -> StepEngineProvider.RUNNING.get() == 0);
    }

    @Test
    void deadlineStopsALongSynthesis() {
        StepEngineProvider.WORD_MILLIS.put("slow", 50L);
        SynthesisRequest r = new SynthesisRequest("word ".repeat(100), "step:slow", null, null, 0,
                Duration.ofMillis(300));
        RecordingListener l = new RecordingListener();
        SynthesisHandle h = synth.start(r, l);
        assertThatThrownBy(() -> h.completion().get(5, TimeUnit.SECONDS))
                .hasCauseInstanceOf(DeadlineExceededException.class).hasMessageContaining("300 ms");
        await().atMost(Duration.ofSeconds(2)).until(() -> StepEngineProvider.RUNNING.get() == 0);
    }

    @Test
    void firstChunksOfNewRequestsRunBeforeLaterChunksOfOlderOnes() throws Exception {
        synth.close();
        synth = build(1, 32);
        StepEngineProvider.WORD_MILLIS.put("slow", 30L);
        SynthesisHandle a = synth.start(request("Alpha one. Alpha two. Alpha three. Alpha four.", "step:slow"),
                new RecordingListener());
        Thread.sleep(20); // alpha's first chunk is now running
        SynthesisHandle b = synth.start(request("Bravo one. Bravo two.", "step:slow"), new RecordingListener());
        a.completion().get(10, TimeUnit.SECONDS);
        b.completion().get(10, TimeUnit.SECONDS);
        assertThat(StepEngineProvider.STARTED.indexOf("Bravo one."))
                .isLessThan(StepEngineProvider.STARTED.indexOf("Alpha three."));
    }

    @Test
    void refusesRequestsBeyondTheEngineLimitAndAcceptsThemAgainLater() throws Exception {
        synth.close();
        synth = build(1, 1);
        StepEngineProvider.WORD_MILLIS.put("slow", 50L);
        SynthesisHandle first = synth.start(request("One two three.", "step:slow"), new RecordingListener());
        assertThatThrownBy(() -> synth.start(request("Two.", "step:slow"), new RecordingListener()))
                .isInstanceOf(OverloadedException.class).hasMessageContaining("busy");
        first.completion().get(5, TimeUnit.SECONDS);
        assertThat(synth.start(request("Two.", "step:slow"), new RecordingListener()).completion()
                .get(5, TimeUnit.SECONDS).chunks()).isEqualTo(1);
    }

    @Test
    void waitsABoundedTimeForASlotBeforeRefusing() throws Exception {
        synth.close();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new StepEngineProvider()))
                .workers("step", 1).defaultVoice("step:fast").build();
        synth = Synthesizer.builder().registry(registry).maxPendingPerWorker(1)
                .admissionWait(Duration.ofMillis(300)).build();
        StepEngineProvider.WORD_MILLIS.put("slow", 40L);
        SynthesisHandle first = synth.start(request("One two.", "step:slow"), new RecordingListener());
        // The first request ends within the wait, so the second gets its slot instead of an error.
        SynthesisHandle second = synth.start(request("Two.", "step:slow"), new RecordingListener());
        // The slot is given back just before the first future completes, so that may still be a moment away.
        assertThat(first.completion().get(5, TimeUnit.SECONDS).chunks()).isEqualTo(1);
        assertThat(second.completion().get(5, TimeUnit.SECONDS).chunks()).isEqualTo(1);

        synth.start(request("One two three four five six seven eight nine ten eleven twelve.", "step:slow"),
                new RecordingListener());
        long start = System.nanoTime();
        assertThatThrownBy(() -> synth.start(request("Late.", "step:slow"), new RecordingListener()))
                .isInstanceOf(OverloadedException.class).hasMessageContaining("within 300 ms");
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(290).toNanos());
        assertThat(synth.scheduler().pendingRequests("step")).isEqualTo(1);
    }

    @Test
    void rejectsBadInputBeforeDoingAnyWork() {
        assertThatThrownBy(() -> synth.start(request("   ", null), new RecordingListener()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> synth.start(request("x".repeat(2001), null), new RecordingListener()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("2001").hasMessageContaining("2000");
        assertThatThrownBy(() -> synth.start(request("bell\u0007", null), new RecordingListener()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("U+0007");
        assertThatThrownBy(() -> synth.start(request("?!...", null), new RecordingListener()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("nothing to speak");
        assertThatThrownBy(() -> synth.start(new SynthesisRequest("Hi.", null, null, null, 12345, null),
                new RecordingListener()))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("12345").hasMessageContaining("48000");
        assertThat(StepEngineProvider.STARTED).isEmpty();
    }

    @Test
    void unknownVoiceSuggestsCloseMatches() {
        assertThatThrownBy(() -> synth.start(request("Hi.", "step:slwo"), new RecordingListener()))
                .isInstanceOf(VoiceNotFoundException.class)
                .hasMessageContaining("step:slwo").hasMessageContaining("step:slow");
        assertThat(synth.registry().resolve("fast").id()).isEqualTo("step:fast");
        assertThat(synth.registry().resolve(null).id()).isEqualTo("step:fast");
        assertThat(Set.copyOf(VoiceMatcher.closest("espeak:en-uss", List.of("espeak:en-us", "espeak:en-gb", "hmm:x"))))
                .contains("espeak:en-us");
    }

    @Test
    void observerSeesThePlanAndEveryChunkWithTheirTimes() throws Exception {
        StepEngineProvider.WORD_MILLIS.put("slow", 10L);
        List<String> planned = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<long[]> chunks = new java.util.concurrent.CopyOnWriteArrayList<>();
        SynthesisObserver observer = new SynthesisObserver() {
            @Override
            public void planned(dev.chorus.tts.VoiceInfo voice, int pieces, long startNanos, long endNanos) {
                planned.add(voice.id() + " " + pieces + " " + (endNanos >= startNanos));
            }

            @Override
            public void chunk(int index, dev.chorus.tts.VoiceInfo voice, int characters, long queuedNanos,
                              long startNanos, long endNanos, boolean completed) {
                chunks.add(new long[] {index, characters, queuedNanos, startNanos, endNanos, completed ? 1 : 0});
                throw new IllegalStateException("an observer that throws changes nothing");
            }
        };
        long before = synth.nanoTime();
        RecordingListener l = new RecordingListener();
        SynthesisSummary s = synth.start(request("A b c. A b. A.", "step:slow"), l, observer).completion()
                .get(10, TimeUnit.SECONDS);
        assertThat(s.chunks()).isEqualTo(3);
        assertThat(planned).containsExactly("step:slow 3 true");
        await().atMost(Duration.ofSeconds(2)).until(() -> chunks.size() == 3);
        assertThat(chunks).extracting(c -> c[0]).containsExactlyInAnyOrder(0L, 1L, 2L);
        for (long[] c : chunks) {
            assertThat(c[2]).isGreaterThanOrEqualTo(before);
            assertThat(c[3]).isGreaterThanOrEqualTo(c[2]);
            // Ten milliseconds per word: each chunk took at least one word's time on its worker.
            assertThat(c[4] - c[3]).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(9));
            assertThat(c[5]).isEqualTo(1);
        }
        assertThat(chunks.stream().filter(c -> c[0] == 0).findFirst().orElseThrow()[1]).isEqualTo("A b c.".length());
    }
}
