package dev.chorus.service.cache;

import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.service.AudioOutput;
import dev.chorus.service.SpeechTelemetry;
import dev.chorus.runtime.Timing;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;

import java.nio.ByteBuffer;

/**
 * Passes a response through to its output and, when the audio cache answers it (a hit, or a synthesis in progress
 * it joined), tells the request's telemetry what no encoding listener of its own sees: its time to first audio and
 * the audio it was served (for the tenant's usage). A request that synthesizes reports through its encoding
 * listener instead, so nothing is counted twice.
 */
public final class CacheServedOutput implements AudioOutput {

    private final AudioOutput delegate;
    private final SpeechTelemetry telemetry;
    private volatile boolean report;

    public CacheServedOutput(AudioOutput delegate, SpeechTelemetry telemetry) {
        this.delegate = delegate;
        this.telemetry = telemetry;
    }

    /** Learns how the cache answers the request, before any audio. */
    public void answeredBy(AudioCache.Outcome outcome) {
        report = (outcome == AudioCache.Outcome.HIT || outcome == AudioCache.Outcome.SHARED);
    }

    @Override
    public void start(VoiceInfo voice, int sampleRate) {
        delegate.start(voice, sampleRate);
    }

    @Override
    public void knownLength(long bytes) {
        delegate.knownLength(bytes);
    }

    @Override
    public void warning(String warning) {
        delegate.warning(warning);
    }

    @Override
    public void event(Timing event) {
        delegate.event(event);
    }

    @Override
    public void audio(byte[] bytes, long firstSample) {
        if (report) {
            telemetry.firstAudio();
        }
        delegate.audio(bytes, firstSample);
    }

    @Override
    public void complete(byte[] tail, SynthesisSummary summary) {
        if (report) {
            telemetry.firstAudio();
            telemetry.served(summary);
        }
        delegate.complete(tail, summary);
    }

    @Override
    public boolean takesWholeBody() {
        return delegate.takesWholeBody();
    }

    @Override
    public void whole(ByteBuffer audio, SynthesisSummary summary) {
        if (report) {
            telemetry.firstAudio();
            telemetry.served(summary);
        }
        delegate.whole(audio, summary);
    }

    @Override
    public void error(ChorusException error) {
        delegate.error(error);
    }

    @Override
    public boolean writable() {
        return delegate.writable();
    }

    @Override
    public void whenWritable(Runnable action) {
        delegate.whenWritable(action);
    }
}
