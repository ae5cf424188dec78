package dev.chorus.service.quality;

import dev.chorus.audio.SignalQuality;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.SpeechCall;
import dev.chorus.service.SpeechStage;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Always-on signal checks of every synthesized response ({@link SignalQuality}: clipping, silence, loudness, DC
 * offset, SNR), as metrics per voice. A stage that taps the PCM after masking, as the client hears it; audio the
 * cache replays was measured when it was made.
 *
 * <p>Metrics: histograms {@code chorus_audio_clipping_ratio}, {@code chorus_audio_silence_ratio},
 * {@code chorus_audio_dc_offset} (absolute) and {@code chorus_audio_snr_db}; a gauge
 * {@code chorus_audio_loudness_lufs} with the moving average (weight 0.1 per response) of the integrated loudness
 * of the voice's responses that were long enough to have one (400 ms). Loudness is a gauge because it is negative,
 * which histograms do not take.
 */
public final class SignalChecks implements SpeechStage {

    private static final double[] RATIO_BUCKETS = {0.0001, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9};
    private static final double[] SNR_BUCKETS = {10, 20, 30, 40, 60, 80, 99};
    private static final double[] DC_BUCKETS = {0.001, 0.005, 0.01, 0.05, 0.1};
    private static final double WEIGHT = 0.1;

    private final MeterRegistry meters;
    private final ConcurrentMap<String, Average> loudness = new ConcurrentHashMap<>();

    /** Creates the checks, recording into {@code meters}. */
    public SignalChecks(MeterRegistry meters) {
        this.meters = Objects.requireNonNull(meters, "meters");
    }

    @Override
    public SynthesisHandle serve(SpeechCall call, AudioOutput output, Next next) {
        return next.serve(call.tapped(Listener::new), output);
    }

    /** Records one response's checks under its voice. */
    void record(VoiceInfo voice, SignalQuality q) {
        if (q.seconds() == 0) {
            return;
        }
        summary("chorus.audio.clipping.ratio", "Share of samples at full scale, per response", voice, RATIO_BUCKETS)
                .record(q.clippingRatio());
        summary("chorus.audio.silence.ratio", "Share of 20 ms frames below -50 dBFS, per response", voice,
                RATIO_BUCKETS).record(q.silenceRatio());
        summary("chorus.audio.dc.offset", "Absolute mean sample over full scale, per response", voice, DC_BUCKETS)
                .record(Math.abs(q.dcOffset()));
        summary("chorus.audio.snr.db", "Estimated signal-to-noise ratio in dB, per response", voice, SNR_BUCKETS)
                .record(q.snrDb());
        if (Double.isFinite(q.loudnessLufs())) {
            loudness.computeIfAbsent(voice.id(), id -> {
                Average a = new Average();
                Gauge.builder("chorus.audio.loudness.lufs", a, Average::value)
                        .description("Moving average of the integrated loudness (EBU R128) of the voice's responses")
                        .tag("voice", id).register(meters);
                return a;
            }).add(q.loudnessLufs());
        }
    }

    private DistributionSummary summary(String name, String description, VoiceInfo voice, double[] buckets) {
        return DistributionSummary.builder(name).description(description).tag("voice", voice.id())
                .serviceLevelObjectives(buckets).register(meters);
    }

    /** An exponentially weighted moving average; NaN until the first value. */
    private static final class Average {
        private double value = Double.NaN;

        synchronized void add(double v) {
            value = Double.isNaN(value) ? v : value + WEIGHT * (v - value);
        }

        synchronized double value() {
            return value;
        }
    }

    /** Measures one response's PCM on its way to the encoder and records the checks when it completes. */
    private final class Listener implements SynthesisListener {
        private final SynthesisListener delegate;
        private SignalQuality.Meter meter;
        private VoiceInfo voice;

        Listener(SynthesisListener delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onWarning(String warning) {
            delegate.onWarning(warning);
        }

        @Override
        public void onStart(VoiceInfo v, int sampleRate, int chunks) {
            this.voice = v;
            this.meter = new SignalQuality.Meter(sampleRate);
            delegate.onStart(v, sampleRate, chunks);
        }

        @Override
        public void onAudio(short[] samples, int offset, int length) {
            if (meter != null) {
                meter.accept(samples, offset, length);
            }
            delegate.onAudio(samples, offset, length);
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
            // Recorded first, so the metrics hold this response once its client has it.
            if (meter == null) {
                delegate.onComplete(summary);
                return;
            }
            SignalQuality q = meter.result();
            record(voice, q);
            delegate.onComplete(summary.withQuality(q));
        }

        @Override
        public void onError(ChorusException error) {
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
