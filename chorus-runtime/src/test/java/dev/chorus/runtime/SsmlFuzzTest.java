package dev.chorus.runtime;

import dev.chorus.testing.SsmlEdit;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.InvalidInputException;
import dev.chorus.tts.Pronunciation;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.SynthesisRequest;
import dev.chorus.tts.TextOptions;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.tts.VoiceNotFoundException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Random text, random SSML and mutated SSML through {@link Synthesizer#start} on the step engine: each request
 * either completes with audio, or is refused with {@link InvalidInputException} (HTTP 400) or
 * {@link VoiceNotFoundException} (HTTP 404) — never another exception, never a hang (5 s per request). Completed
 * requests deliver consistent audio and timings: callbacks never overlap, the summary counts the samples
 * delivered, every timing points into the input and into the audio, and each kind of timing is in audio order.
 *
 * <p>The outcome counts of each property are printed when the class ends (in the surefire output file).
 */
class SsmlFuzzTest {

    private static final long TIMEOUT_SECONDS = 5;

    private static final String MARKUP = "<>/=\"'&;#!?-[]: \n\r\tspeakbrtimexlngsayvoicmrkph0123456789%$.";

    private static Synthesizer synth;
    private static ExecutorService caller;
    private static final Map<String, Map<String, AtomicInteger>> OUTCOMES = new ConcurrentHashMap<>();

    /** How a request ended. */
    enum Outcome {
        COMPLETED, INVALID_INPUT, VOICE_NOT_FOUND
    }

    @BeforeContainer
    static void open() {
        StepEngineProvider.reset();
        EngineRegistry registry = EngineRegistry.builder().providers(List.of(new StepEngineProvider()))
                .workers("step", 2).defaultVoice("step:fast").alias("narrator", List.of("step:nope", "step:slow"))
                .build();
        synth = Synthesizer.builder().registry(registry).build();
        caller = Executors.newSingleThreadExecutor(r -> Thread.ofPlatform().daemon().name("fuzz-caller").unstarted(r));
    }

    @AfterContainer
    static void close() {
        caller.shutdownNow();
        synth.close();
        StringBuilder report = new StringBuilder("SsmlFuzzTest outcomes:");
        new TreeMap<>(OUTCOMES).forEach((property, counts) -> report.append("\n  ").append(property).append(": ")
                .append(new TreeMap<>(counts)));
        System.out.println(report);
    }

    @Property(tries = 300)
    void randomTextIsSpokenOrRefused(@ForAll("texts") String text, @ForAll boolean plain) {
        SynthesisRequest r = SynthesisRequest.of(text, null).withTextOptions(new TextOptions(
                plain ? TextOptions.Format.TEXT : TextOptions.Format.AUTO, true, List.of()));
        Result result = run(r);
        count("random text", result);
        if (result.error() instanceof InvalidInputException e) {
            assertThat(e.param()).isIn("input", "lexicon");
        }
    }

    @Property(tries = 300)
    void generatedSsmlIsSpokenUnlessItNamesAnUnknownVoiceOrHasNothingToSay(@ForAll long seed) {
        RandomSsml.Doc doc = RandomSsml.strict(seed);
        Random random = new Random(~seed);
        SynthesisRequest r = request(doc.ssml(), random, random.nextBoolean() ? TextOptions.Format.SSML
                : TextOptions.Format.AUTO);
        Result result = run(r);
        count("generated SSML", result);
        switch (result.outcome()) {
            case COMPLETED -> {
            }
            case VOICE_NOT_FOUND -> assertThat(doc.namesUnknownVoice()).as("refused a known voice: %s%n%s",
                    result.error().getMessage(), doc.ssml()).isTrue();
            case INVALID_INPUT -> assertThat(result.error().getMessage()).as("refused a valid document:%n%s",
                    doc.ssml()).contains("nothing to speak");
        }
    }

    @Property(tries = 300)
    void looselyGeneratedSsmlIsSpokenOrRefused(@ForAll long seed) {
        RandomSsml.Doc doc = RandomSsml.loose(seed);
        Random random = new Random(~seed);
        Result result = run(request(doc.ssml(), random, TextOptions.Format.AUTO));
        count("loose SSML", result);
        if (result.error() instanceof InvalidInputException e && !e.getMessage().contains("nothing to speak")) {
            assertThat(e.getMessage()).as(doc.ssml()).startsWith("SSML line ");
        }
    }

    @Property(tries = 300)
    void mutatedSsmlIsSpokenOrRefused(@ForAll long seed, @ForAll("edits") List<SsmlEdit> edits) {
        String ssml = SsmlEdit.applyAll(RandomSsml.strict(seed).ssml(), edits);
        Random random = new Random(~seed);
        count("mutated SSML", run(request(ssml, random, random.nextInt(4) == 0 ? TextOptions.Format.AUTO
                : TextOptions.Format.SSML)));
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars(MARKUP).ofMaxLength(200),
                Arbitraries.strings().all().ofMaxLength(100),
                Arbitraries.strings().withCharRange(' ', '~').withChars("。，？！年月日元%$€£¥\u00A0\u2014\u2019\uFEFF")
                        .withCharRange('\u4e00', '\u4e20').ofMaxLength(300),
                Arbitraries.of("$5.20", "12/25/2026", "Dr.", "3rd", "2026年", "k8s", "10:30", "1,000", "NASA",
                        "https://example.com", "+1 (555) 123-4567", "42%", "5 km", "IV", "¥12.50", "第3章", "...", "你好",
                        "<speak>", "<speak>hi</speak>", "&amp;", "\n\n", " ")
                        .list().ofMinSize(1).ofMaxSize(12).map(words -> String.join(" ", words)));
    }

    @Provide
    Arbitrary<List<SsmlEdit>> edits() {
        Arbitrary<SsmlEdit> edit = Combinators.combine(Arbitraries.integers().between(0, 2),
                Arbitraries.doubles().between(0, 1), Arbitraries.doubles().between(0, 1),
                Arbitraries.chars().with(MARKUP).with('\u0000', '\uD800', '\uFEFF', '\u0007')).as(SsmlEdit::new);
        return edit.list().ofMinSize(1).ofMaxSize(6);
    }

    /** A request for {@code input} with random settings: voice, speed, pitch, volume, normalization, lexicon. */
    private static SynthesisRequest request(String input, Random random, TextOptions.Format format) {
        String voice = switch (random.nextInt(6)) {
            case 0 -> "step:fast";
            case 1 -> "step:slow";
            case 2 -> "slow";
            default -> null;
        };
        SynthesisOptions options = new SynthesisOptions(0.5 + random.nextDouble() * 1.5,
                random.nextInt(5) == 0 ? "zh-CN" : null, random.nextInt(3) == 0 ? random.nextInt(-6, 7) : 0,
                random.nextInt(3) == 0 ? random.nextInt(-20, 11) : 0);
        List<Pronunciation> lexicon = new ArrayList<>();
        if (random.nextInt(4) == 0) {
            lexicon.add(new Pronunciation("hello", false, "hi there", null));
            lexicon.add(new Pronunciation("\\d+%", true, "some percent", null));
            lexicon.add(new Pronunciation("world", false, null, "wɜːld"));
        }
        return new SynthesisRequest(input, voice, options, null, random.nextInt(3) == 0 ? 22_050 : 0, null,
                new TextOptions(format, random.nextInt(5) != 0, lexicon));
    }

    /**
     * The outcome of one request, the error that ended it when it did not complete, and whether that error came
     * after {@link Synthesizer#start} had accepted the request.
     */
    record Result(Outcome outcome, ChorusException error, boolean late) {
    }

    /**
     * Runs {@code request} to its end and returns how it ended; fails on any other exception, on a hang, and on
     * inconsistent audio or timings.
     */
    private static Result run(SynthesisRequest request) {
        StepEngineProvider.reset();
        CheckingListener listener = new CheckingListener();
        Future<SynthesisSummary> future = caller.submit(() -> synth.start(request, listener).completion()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
        SynthesisSummary summary;
        try {
            summary = future.get(TIMEOUT_SECONDS + 1, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            boolean late = e.getCause() instanceof ExecutionException;
            Throwable cause = late ? e.getCause().getCause() : e.getCause();
            if (cause instanceof TimeoutException) {
                return fail("synthesis did not finish within %d s: %s", TIMEOUT_SECONDS, describe(request));
            }
            if (cause instanceof InvalidInputException invalid) {
                assertThat(listener.completed).isFalse();
                return new Result(Outcome.INVALID_INPUT, invalid, late);
            }
            if (cause instanceof VoiceNotFoundException notFound) {
                return new Result(Outcome.VOICE_NOT_FOUND, notFound, late);
            }
            throw new AssertionError("unexpected " + cause + " for " + describe(request), cause);
        } catch (TimeoutException e) {
            future.cancel(true);
            return fail("start did not return within %d s: %s", TIMEOUT_SECONDS, describe(request));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
        listener.check(request.text(), summary);
        return new Result(Outcome.COMPLETED, null, false);
    }

    private static void count(String property, Result result) {
        String key = result.outcome() == Outcome.INVALID_INPUT && result.error().getMessage().contains("nothing to speak")
                ? "INVALID_INPUT (nothing to speak)" : result.outcome().name();
        if (result.late()) {
            key += " (after start)";
        }
        OUTCOMES.computeIfAbsent(property, p -> new ConcurrentHashMap<>())
                .computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    }

    private static String describe(SynthesisRequest request) {
        return "voice " + request.voice() + ", " + request.options() + ", " + request.textOptions() + ", input:\n"
                + request.text();
    }

    /** Records what a synthesis delivers and checks it once the synthesis is complete. */
    private static final class CheckingListener implements SynthesisListener {
        private final List<Timing> timings = new ArrayList<>();
        private volatile boolean inside;
        private volatile boolean overlapped;
        private volatile boolean started;
        volatile boolean completed;
        private long samples;

        @Override
        public void onStart(VoiceInfo voice, int sampleRate, int chunks) {
            started = true;
        }

        @Override
        public void onAudio(short[] s, int offset, int length) {
            enter();
            samples += length;
            inside = false;
        }

        @Override
        public void onTiming(Timing timing) {
            enter();
            timings.add(timing);
            inside = false;
        }

        @Override
        public void onComplete(SynthesisSummary summary) {
            completed = true;
        }

        private void enter() {
            if (inside) {
                overlapped = true;
            }
            inside = true;
        }

        void check(String input, SynthesisSummary summary) {
            assertThat(started).isTrue();
            assertThat(overlapped).as("overlapping callbacks").isFalse();
            assertThat(summary.samples()).as("summary of %s", input).isEqualTo(samples);
            Map<Timing.Kind, Long> last = new EnumMap<>(Timing.Kind.class);
            for (Timing t : timings) {
                assertThat(t.sourceStart()).as("%s in%n%s", t, input).isBetween(0, t.sourceEnd());
                assertThat(t.sourceEnd()).as("%s in%n%s", t, input).isLessThanOrEqualTo(input.length());
                assertThat(t.sampleOffset()).as("%s in %d samples of%n%s", t, samples, input)
                        .isBetween(0L, samples);
                assertThat(t.sampleOffset()).as("%s after %s of its kind in%n%s", t, last.get(t.kind()), input)
                        .isGreaterThanOrEqualTo(last.getOrDefault(t.kind(), 0L));
                last.put(t.kind(), t.sampleOffset());
                if (t.kind() == Timing.Kind.MARK) {
                    assertThat(input.startsWith("<mark", t.sourceStart())).as("%s in%n%s", t, input).isTrue();
                } else {
                    assertThat(t.text()).isNotBlank();
                }
            }
        }
    }
}
