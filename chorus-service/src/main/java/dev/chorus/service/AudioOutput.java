package dev.chorus.service;

import dev.chorus.runtime.SynthesisSummary;

import java.nio.ByteBuffer;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.VoiceInfo;
import dev.chorus.runtime.Timing;

/**
 * Where one request's encoded audio goes: an HTTP body, an SSE stream or a gRPC stream. Calls come from engine
 * threads, one at a time and in order; a method that throws cancels the synthesis (that is how a writer reports
 * that its client went away). Exactly one of {@link #complete} and {@link #error} comes last.
 */
public interface AudioOutput {

    /** Receives the voice and output rate before any audio. */
    default void start(VoiceInfo voice, int sampleRate) {
    }

    /**
     * Receives the next encoded bytes; {@code firstSample} is the position of their first sample in the audio.
     * The array may be shared with other outputs (the audio cache replays it) and must not be changed.
     */
    void audio(byte[] bytes, long firstSample);

    /**
     * Learns, before anything else, the total of the encoded bytes that will come (audio and tail), when it is
     * known in advance: a response replayed from the cache. The default ignores it.
     */
    default void knownLength(long bytes) {
    }

    /**
     * Tells whether this output takes a response replayed from the cache as one body ({@link #whole}) instead
     * of call by call: outputs that send the encoded bytes as they are, with no framing or timings. The default
     * is false.
     */
    default boolean takesWholeBody() {
        return false;
    }

    /**
     * Receives a replayed response's whole encoded audio at once, then its totals, in place of its audio and
     * complete calls (start and warnings still come first). The buffer is direct, read-only and shared by every
     * replay: write it out, never keep it past the write. Called only when {@link #takesWholeBody()} is true.
     */
    default void whole(ByteBuffer audio, SynthesisSummary summary) {
        throw new UnsupportedOperationException("this output takes no whole body");
    }

    /** Receives a warning about the request (such as an SSML element that was ignored), before any audio. */
    default void warning(String warning) {
    }

    /**
     * Learns how far the synthesis is: {@code done} of {@code total} sentences and pauses (0 of N at the start).
     * Cache replays do not report progress. The default ignores it.
     */
    default void progress(int done, int total) {
    }

    /** Receives a timing event, with sample offsets into the output audio. */
    default void event(Timing event) {
    }

    /** Receives the last encoded bytes (a trailer, possibly empty, not to be changed) and the totals. */
    void complete(byte[] tail, SynthesisSummary summary);

    /** Receives the error that ended the synthesis. */
    void error(ChorusException error);

    /**
     * Tells whether the client can take more now. While it cannot, the synthesis pauses after the sentences
     * already running (backpressure), so a client that reads slowly holds a bounded amount of audio. The default
     * is always writable.
     */
    default boolean writable() {
        return true;
    }

    /**
     * Runs {@code action} once, when the client can take more (at once if it can now). {@code action} may run on
     * any thread and must not block.
     */
    default void whenWritable(Runnable action) {
        action.run();
    }
}
