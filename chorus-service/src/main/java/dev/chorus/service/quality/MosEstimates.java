package dev.chorus.service.quality;

import dev.chorus.asr.quality.MosPredictor;
import dev.chorus.asr.quality.MosPredictorProvider;
import dev.chorus.asr.quality.MosScore;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleSupplier;

/**
 * The estimated quality (MOS) of synthesized responses, with a predictor on a model the user supplies: a stage
 * beside the {@link SignalChecks} that copies a sampled response's PCM (after masking, as the client hears it; up to
 * {@code maxSeconds}) and rates it after the response on a small pool of threads with a bounded queue, dropping (and
 * counting) what does not fit rather than slowing synthesis down. Without a model there is no such stage, and no
 * metric: never a made-up number.
 *
 * <p>Metrics: {@code chorus_quality_mos{voice, score}}, a histogram per voice of the predicted score on the 1 to 5
 * scale, {@code score} being {@code overall} (OVRL), {@code signal} (SIG) or {@code background} (BAK); and
 * {@code chorus_quality_mos_predictions_total{voice, outcome}} with outcomes {@code rated}, {@code dropped} (queue
 * full), {@code failed} and {@code empty} (no audio to rate). Thread-safe.
 */
public final class MosEstimates implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(MosEstimates.class.getName());
    private static final double[] MOS_BUCKETS = {1.5, 2, 2.5, 3, 3.25, 3.5, 3.75, 4, 4.25, 4.5, 5};

    private final MosSettings settings;
    private final MosPredictor predictor;
    private final MeterRegistry meters;
    private final DoubleSupplier random;
    private final ThreadPoolExecutor executor;

    private MosEstimates(MosSettings settings, MosPredictor predictor, MeterRegistry meters, DoubleSupplier random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.predictor = Objects.requireNonNull(predictor, "predictor");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.random = random;
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(settings.workers(), settings.workers(), 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(Math.max(1, settings.queue())), r -> {
                    Thread t = new Thread(r, "chorus-quality-mos-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
    }

    /**
     * Opens the predictor the settings name on their model, or returns empty when no model is configured.
     *
     * @throws dev.chorus.tts.EngineUnavailableException if the predictor is not installed or the model is unusable
     *                                                   (a server asked for an estimate does not start without one)
     */
    public static Optional<MosEstimates> open(MosSettings settings, MeterRegistry meters) {
        if (!settings.enabled()) {
            return Optional.empty();
        }
        MosPredictor predictor = MosPredictorProvider.open(settings.predictor(), settings.model(), settings.workers(),
                settings.predictorSettings());
        return Optional.of(create(settings, predictor, meters));
    }

    /** Creates the estimates with an open {@code predictor} (closed by {@link #close}). */
    public static MosEstimates create(MosSettings settings, MosPredictor predictor, MeterRegistry meters) {
        return new MosEstimates(settings, predictor, meters, () -> ThreadLocalRandom.current().nextDouble());
    }

    /** Returns the predictor. */
    public MosPredictor predictor() {
        return predictor;
    }

    /** Returns the pipeline stage that taps the sampled responses' audio. */
    public SpeechStage stage() {
        return (call, output, next) -> next.serve(call.tapped(Listener::new), output);
    }

    /** Rates one response's audio and records the score under its voice. */
    void rate(VoiceInfo voice, short[] pcm, int length, int rate) {
        Optional<MosScore> score = predictor.predict(pcm, 0, length, rate);
        if (score.isEmpty()) {
            outcome(voice, "empty");
            return;
        }
        MosScore s = score.get();
        summary(voice, "overall").record(s.overall());
        summary(voice, "signal").record(s.signal());
        summary(voice, "background").record(s.background());
        outcome(voice, "rated");
    }

    private DistributionSummary summary(VoiceInfo voice, String score) {
        return DistributionSummary.builder("chorus.quality.mos")
                .description("Predicted mean opinion score (1 to 5) of the voice's rated responses")
                .tag("voice", voice.id()).tag("score", score).serviceLevelObjectives(MOS_BUCKETS).register(meters);
    }

    private void outcome(VoiceInfo voice, String outcome) {
        Counter.builder("chorus.quality.mos.predictions").description("Responses the quality estimate took, by outcome")
                .tag("voice", voice.id()).tag("outcome", outcome).register(meters).increment();
    }

    private void submit(VoiceInfo voice, short[] pcm, int length, int rate) {
        try {
            executor.execute(() -> {
                try {
                    rate(voice, pcm, length, rate);
                } catch (RuntimeException | Error e) {
                    outcome(voice, "failed");
                    LOG.log(System.Logger.Level.WARNING, "quality estimate failed: " + e, e);
                }
            });
        } catch (RejectedExecutionException e) {
            outcome(voice, "dropped");
        }
    }

    /** Stops taking responses, waits up to 10 s for those queued, and closes the predictor. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
        predictor.close();
    }

    /** Copies a sampled response's PCM on its way to the encoder and rates it when the response completes. */
    private final class Listener implements SynthesisListener {
        private final SynthesisListener delegate;
        private VoiceInfo voice;
        private int rate;
        private short[] pcm;
        private int length;
        private long max;

        Listener(SynthesisListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onWarning(String warning) {
            delegate.onWarning(warning);
        }

        @Override
        public void onStart(VoiceInfo v, int sampleRate, int chunks) {
            if (random.getAsDouble() < settings.sampleFraction()) {
                this.voice = v;
                this.rate = sampleRate;
                this.max = (long) settings.maxSeconds() * sampleRate;
                this.pcm = new short[Math.min(sampleRate, (int) max)];
            }
            delegate.onStart(v, sampleRate, chunks);
        }

        @Override
        public void onAudio(short[] samples, int offset, int n) {
            if (pcm != null && length < max) {
                int take = (int) Math.min(n, max - length);
                if (length + take > pcm.length) {
                    pcm = Arrays.copyOf(pcm, (int) Math.min(max, Math.max(length + take, 2L * pcm.length)));
                }
                System.arraycopy(samples, offset, pcm, length, take);
                length += take;
            }
            delegate.onAudio(samples, offset, n);
        }

        @Override
        public void onTiming(dev.chorus.runtime.Timing timing) {
            delegate.onTiming(timing);
        }

        @Override
        public void onChunkDone(int index, int chunks) {
            delegate.onChunkDone(index, chunks);
        }

        @Override
        public void onComplete(SynthesisSummary summary) {
            if (pcm != null) {
                submit(voice, pcm, length, rate);
                pcm = null;
            }
            delegate.onComplete(summary);
        }

        @Override
        public void onError(ChorusException error) {
            pcm = null;
            delegate.onError(error);
        }

        @Override
        public boolean ready() {
            return delegate.ready();
        }

        @Override
        public void whenReady(Runnable resume) {
            delegate.whenReady(resume);
        }
    }
}
