package dev.chorus.cluster.gateway;

import dev.chorus.audio.Resampler;
import dev.chorus.runtime.SynthesisListener;
import dev.chorus.runtime.Timing;

import java.util.List;

/**
 * Joins a plan's pieces, made at the voices' own rates in several runs on several workers, into the request's
 * audio and timings at the output rate, exactly as one process's synthesis delivers them: each stretch of speech at
 * one voice rate is resampled as one stream (flushed at a silence, at a change of rate and at the end), silences
 * are made at the output rate, and timings are placed on the plan clock the way the runtime places them (engine
 * timings at the piece's start plus their offset converted to the output rate; estimated words by weight over the
 * piece's output length, which follows the resampler's running total). Not thread-safe: its owner feeds it the
 * pieces in plan order, one call at a time.
 */
final class PieceJoiner {

    private final SynthesisListener listener;
    private final int outRate;
    private long plannedOut;
    private int runRate;
    private long runVoiceSamples;
    private long runStartOut;
    private Resampler resampler;
    private int resamplerRate;
    private long outSamples;
    /** The piece being joined: its start on the plan clock and, for speech, its voice rate (0 otherwise). */
    private long startOut;
    private int pieceRate;
    private long pieceLength;

    PieceJoiner(SynthesisListener listener, int outRate) {
        this.listener = listener;
        this.outRate = outRate;
    }

    /** Returns the output samples delivered so far. */
    long samples() {
        return outSamples;
    }

    /** A piece starts: a speech piece's sentence timing, a silence's samples, a mark's timing. */
    void start(String kind, int voiceRate, long silenceMillis, Timing timing) {
        startOut = plannedOut;
        pieceRate = 0;
        pieceLength = 0;
        switch (kind) {
            case "SPEECH" -> {
                pieceRate = voiceRate;
                if (timing != null) {
                    listener.onTiming(at(timing, startOut, false));
                }
            }
            case "SILENCE" -> {
                flushResampler();
                runRate = 0;
                long n = silenceMillis * outRate / 1000;
                short[] zeros = new short[(int) Math.min(n, outRate)];
                for (long left = n; left > 0; left -= zeros.length) {
                    deliver(left >= zeros.length ? zeros : java.util.Arrays.copyOf(zeros, (int) left));
                }
                pieceLength = n;
            }
            case "MARK" -> {
                if (timing != null) {
                    listener.onTiming(at(timing, startOut, false));
                }
            }
            default -> throw new IllegalStateException("piece kind: " + kind);
        }
    }

    /** A speech piece's audio at its voice rate. */
    void audio(short[] samples) {
        if (resamplerRate != pieceRate) {
            flushResampler();
            resamplerRate = pieceRate;
            resampler = pieceRate == outRate ? null : Resampler.create(pieceRate, outRate);
        }
        deliver(resampler == null ? samples : resampler.process(samples, 0, samples.length));
    }

    /** An engine timing of the speech piece, its sample offset at the voice rate from the piece's start. */
    void timing(Timing t) {
        long offset = Math.round(t.sampleOffset() * (double) outRate / pieceRate);
        listener.onTiming(at(t, startOut + offset, t.estimated()));
    }

    /** The piece is delivered: its output length on the plan clock, then the words to time by estimate. */
    void end(long voiceSamples, List<Timing> estimated, List<Long> before, long weight) {
        if (pieceRate > 0) {
            if (pieceRate != runRate) {
                runRate = pieceRate;
                runVoiceSamples = 0;
                runStartOut = startOut;
            }
            runVoiceSamples += voiceSamples;
            pieceLength = runStartOut + Math.ceilDiv(runVoiceSamples * outRate, pieceRate) - startOut;
            for (int i = 0; i < estimated.size(); i++) {
                long at = startOut + (weight == 0 ? 0 : pieceLength * before.get(i) / weight);
                listener.onTiming(at(estimated.get(i), at, true));
            }
        }
        plannedOut = startOut + pieceLength;
    }

    /** The last piece is delivered: what the resampler still holds. */
    void finish() {
        flushResampler();
    }

    private Timing at(Timing t, long sample, boolean estimated) {
        return Timing.at(t.kind(), t.text(), t.sourceStart(), t.sourceEnd(), sample, outRate, estimated);
    }

    private void flushResampler() {
        if (resampler != null) {
            deliver(resampler.flush());
        }
        resampler = null;
        resamplerRate = 0;
    }

    private void deliver(short[] out) {
        if (out.length == 0) {
            return;
        }
        outSamples += out.length;
        listener.onAudio(out, 0, out.length);
    }
}
