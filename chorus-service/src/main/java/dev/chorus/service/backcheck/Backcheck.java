package dev.chorus.service.backcheck;

import dev.chorus.asr.Recognizer;
import dev.chorus.asr.RecognizerProvider;
import dev.chorus.asr.Transcript;
import dev.chorus.asr.WordErrorRate;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;
import dev.chorus.service.safety.ContentSafety;
import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.VoiceInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.util.List;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The speech back-check: listens to produced audio with a {@link Recognizer}, scores the words heard against the
 * (verbalized) sentences spoken, and screens them with the same content rules as the input. A rule hit in the audio
 * that the input did not trigger is a {@code speech_mismatch} in the audit log; in {@link BackcheckMode#STRICT}
 * mode it refuses the request (422 {@code speech_mismatch}).
 *
 * <p>Design: {@link #stage()} taps the request's PCM (after masking, as the client hears it). Strict mode checks
 * each sentence on the engine thread that made it, before passing it on; the other modes copy the audio (up to
 * {@code maxSeconds}) and check it after the response on a small pool of threads with a bounded queue, dropping
 * (and counting) what does not fit rather than slowing synthesis down. Thread-safe.
 *
 * <p>Metrics: {@code chorus_backcheck_wer} (a histogram per voice and version), {@code chorus_backcheck_checks_total}
 * per voice and outcome ({@code passed}, {@code mismatch}, {@code refused}, {@code dropped}, {@code failed},
 * {@code unsupported}), {@code chorus_backcheck_recognition_seconds} and {@code chorus_backcheck_audio_seconds_total}
 * (their ratio is the recognizer's cost per second of audio).
 */
public final class Backcheck implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Backcheck.class.getName());
    /** Bucket bounds of the word error rate histogram. */
    private static final double[] WER_BUCKETS = {0.02, 0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1.0};

    private final BackcheckSettings settings;
    private final Recognizer recognizer;
    private final ContentSafety safety;
    private final MeterRegistry meters;
    private final DoubleSupplier random;
    private final ThreadPoolExecutor executor;

    private Backcheck(BackcheckSettings settings, Recognizer recognizer, ContentSafety safety, MeterRegistry meters,
                      DoubleSupplier random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.recognizer = Objects.requireNonNull(recognizer, "recognizer");
        this.safety = safety;
        this.meters = Objects.requireNonNull(meters, "meters");
        this.random = Objects.requireNonNull(random, "random");
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.workers(), settings.workers(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.queue())), r -> {
                    Thread t = new Thread(r, "chorus-backcheck-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Creates the back-check.
     *
     * @param recognizer what listens (closed by {@link #close})
     * @param safety     the content rules the input is screened with, or null to score the audio only
     */
    public static Backcheck create(BackcheckSettings settings, Recognizer recognizer, ContentSafety safety,
                                   MeterRegistry meters) {
        return new Backcheck(settings, recognizer, safety, meters, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** As {@link #create}, drawing the sampled requests from {@code random} (values in [0, 1)). */
    static Backcheck create(BackcheckSettings settings, Recognizer recognizer, ContentSafety safety,
                            MeterRegistry meters, DoubleSupplier random) {
        return new Backcheck(settings, recognizer, safety, meters, random);
    }

    /**
     * Opens the recognizer the settings name, found through {@link ServiceLoader}, with {@code workers} decoders.
     *
     * @throws EngineUnavailableException if no such recognizer is installed, or its library or model is missing
     */
    public static Recognizer openRecognizer(BackcheckSettings settings) {
        for (RecognizerProvider p : ServiceLoader.load(RecognizerProvider.class)) {
            if (p.id().equals(settings.recognizer())) {
                return p.open(settings.workers(), settings.recognizerSettings());
            }
        }
        throw new EngineUnavailableException("backcheck.recognizer: '" + settings.recognizer() + "' is not installed"
                + " (expected: pocketsphinx, which needs the module chorus-asr-pocketsphinx and the Debian packages "
                + "libpocketsphinx3 pocketsphinx-en-us; or paraformer, which needs the module chorus-asr-paraformer "
                + "and backcheck.paraformer.dir)");
    }

    /** Returns the settings. */
    public BackcheckSettings settings() {
        return settings;
    }

    /** Returns the recognizer. */
    public Recognizer recognizer() {
        return recognizer;
    }

    /** Returns the pipeline stage that taps each request's audio as the mode says. */
    public SpeechStage stage() {
        return new BackcheckStage(this);
    }

    /** Decides whether to listen to one request: never, a fraction, or every one. */
    boolean sampled() {
        return sampled(settings.mode(), settings.sampleFraction());
    }

    /** As {@link #sampled()}, with the caller's own mode when its tenant has one. */
    boolean sampled(dev.chorus.service.Caller caller) {
        BackcheckChoice own = caller.backcheck();
        return own == null ? sampled() : sampled(own.mode(), own.sampleFraction());
    }

    /** Returns the mode in force for the caller: its tenant's own, else the server's. */
    BackcheckMode mode(dev.chorus.service.Caller caller) {
        BackcheckChoice own = caller.backcheck();
        return own == null ? settings.mode() : own.mode();
    }

    private boolean sampled(BackcheckMode mode, double fraction) {
        return switch (mode) {
            case OFF -> false;
            case STRICT, ALL -> true;
            case SAMPLED -> random.getAsDouble() < fraction;
        };
    }

    /** Tells whether the recognizer understands the voice's language; counts the request as unsupported if not. */
    boolean supports(VoiceInfo voice) {
        if (recognizer.supports(voice.language())) {
            return true;
        }
        outcome(voice, "unsupported");
        return false;
    }

    /** Returns the categories the input triggered, for telling the audio's own hits apart. */
    Set<String> inputCategories(SpeechCall call) {
        return safety == null ? Set.of() : safety.inputCategories(call.speech());
    }

    /**
     * Listens to {@code segments} (sentences with their audio at {@code rate}), scores them and screens the words
     * heard. Counts nothing: the caller records the outcome.
     */
    Heard listen(SpeechCall call, VoiceInfo voice, Set<String> inputCategories, List<Segment> segments, int rate) {
        WordErrorRate wer = WordErrorRate.NONE;
        StringBuilder heard = new StringBuilder();
        for (Segment s : segments) {
            if (s.pcm().length == 0) {
                continue;
            }
            Transcript t = recognizer.recognize(s.pcm(), rate);
            Timer.builder("chorus.backcheck.recognition").description("Time the back-check's recognizer took")
                    .register(meters).record(t.elapsedNanos(), TimeUnit.NANOSECONDS);
            Counter.builder("chorus.backcheck.audio").baseUnit("seconds")
                    .description("Audio the back-check's recognizer listened to").register(meters)
                    .increment(t.audioMillis() / 1000.0);
            if (!s.text().isBlank()) {
                wer = wer.plus(WordErrorRate.of(s.text(), t.text()));
            }
            if (!t.text().isEmpty()) {
                heard.append(heard.isEmpty() ? "" : " ").append(t.text());
            }
        }
        ContentSafety.SpeechMismatch mismatch = safety == null ? ContentSafety.SpeechMismatch.NONE
                : safety.screenTranscript(call.caller(), inputCategories, heard.toString(), label(voice));
        return new Heard(wer, heard.toString(), mismatch);
    }

    /** Records a request's word error rate (when it had words to score) under its voice and version. */
    void recordWer(VoiceInfo voice, WordErrorRate wer) {
        if (wer.referenceWords() == 0) {
            return;
        }
        DistributionSummary.builder("chorus.backcheck.wer")
                .description("Word error rate of the back-check's transcript against the text spoken, per request")
                .tag("voice", voice.id()).tag("version", voice.version() == null ? "" : voice.version())
                .serviceLevelObjectives(WER_BUCKETS).register(meters).record(wer.rate());
    }

    /** Counts one request's outcome. */
    void outcome(VoiceInfo voice, String outcome) {
        Counter.builder("chorus.backcheck.checks").description("Requests the speech back-check decided on, by outcome")
                .tag("voice", voice.id()).tag("outcome", outcome).register(meters).increment();
    }

    /** Runs {@code task} beside the streams; drops it (counted) when the queue is full or the check is closed. */
    void submit(VoiceInfo voice, Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    outcome(voice, "failed");
                    LOG.log(System.Logger.Level.WARNING, "speech back-check failed: " + e, e);
                }
            });
        } catch (RejectedExecutionException e) {
            outcome(voice, "dropped");
        }
    }

    /** Returns how many samples of audio at {@code rate} a request may keep for a check beside the stream. */
    long maxSamples(int rate) {
        return (long) settings.maxSeconds() * rate;
    }

    private static String label(VoiceInfo voice) {
        return voice.version() == null || voice.version().isEmpty() ? voice.id() : voice.id() + "@" + voice.version();
    }

    /** Stops taking checks, waits up to 10 s for those queued, and closes the recognizer. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        recognizer.close();
    }

    /** A sentence as spoken (its verbalized text) and its audio. */
    record Segment(String text, short[] pcm) {
    }

    /** What listening found. */
    record Heard(WordErrorRate wer, String transcript, ContentSafety.SpeechMismatch mismatch) {
    }
}
