package dev.chorus.runtime;

import dev.chorus.audio.SignalQuality;

import java.time.Duration;

/**
 * What one finished synthesis produced.
 *
 * @param voice          the voice id used
 * @param sampleRate     output sample rate in Hz
 * @param samples        output samples delivered
 * @param characters     characters of normalized text synthesized
 * @param chunks         number of text chunks
 * @param timeToFirstAudio time from start to the first audio delivered
 * @param total          time from start to the last audio delivered
 * @param quality        the signal checks of the audio, when the speech pipeline measured them, else null
 */
public record SynthesisSummary(String voice, int sampleRate, long samples, int characters, int chunks,
                               Duration timeToFirstAudio, Duration total, SignalQuality quality) {

    /** A summary without signal checks. */
    public SynthesisSummary(String voice, int sampleRate, long samples, int characters, int chunks,
                            Duration timeToFirstAudio, Duration total) {
        this(voice, sampleRate, samples, characters, chunks, timeToFirstAudio, total, null);
    }

    /** Returns a copy carrying the signal checks {@code q}. */
    public SynthesisSummary withQuality(SignalQuality q) {
        return new SynthesisSummary(voice, sampleRate, samples, characters, chunks, timeToFirstAudio, total, q);
    }

    /** Returns the length of the audio in seconds. */
    public double audioSeconds() {
        return samples / (double) sampleRate;
    }

    /** Returns the real-time factor: processing time divided by audio time (below 1 is faster than real time). */
    public double realTimeFactor() {
        double audio = audioSeconds();
        return audio == 0 ? 0 : total.toNanos() / 1e9 / audio;
    }
}
