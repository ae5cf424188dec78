package dev.chorus.runtime;

import java.util.List;

/**
 * Receives a run of a plan's pieces as the engines made them, for a caller that joins runs made in several places
 * (a cluster gateway spreading one long text over several workers): see
 * {@link Synthesizer#startPieces(ParsedRequest, int, int, PieceListener, SynthesisObserver, boolean)}.
 *
 * <p>Each piece of the run arrives as {@link #onPieceStart}, its audio at its voice's own rate (after pitch and
 * volume, before any resampling; a silence has none) and its engine timings with {@link Timing#sampleOffset()} in
 * the voice's samples from the piece's start, then {@link #onPieceEnd} and {@link #onChunkDone}. Joining the runs
 * in plan order, resampling each stretch of speech at one rate as one stream and producing the silences at the
 * output rate gives exactly the audio and timings of {@link Synthesizer#start} on the whole plan.
 * {@link #onStart} gives the output rate and the whole plan's piece count; {@link #onComplete}'s summary counts
 * the run's own voice samples.
 */
public interface PieceListener extends SynthesisListener {

    /** What kind of piece starts. */
    enum Kind { SPEECH, SILENCE, MARK }

    /**
     * A piece starts.
     *
     * @param index         its index in the plan
     * @param kind          speech, silence or mark
     * @param voiceRate     a speech piece's voice rate (0 otherwise)
     * @param silenceMillis a silence's length (0 otherwise)
     * @param timing        a speech piece's sentence timing, or a mark's timing, with sample offset 0; or null
     */
    void onPieceStart(int index, Kind kind, int voiceRate, long silenceMillis, Timing timing);

    /**
     * A piece's audio and engine timings are all delivered.
     *
     * @param voiceSamples the speech piece's samples at its voice rate
     * @param estimated    the words of a speech piece whose engine timed none, to be placed at
     *                     {@code startOut + outLength * before / weight} in output samples; empty otherwise
     * @param before       for each estimated word, its weight before it
     * @param weight       the piece's whole weight
     */
    void onPieceEnd(int index, long voiceSamples, List<Timing> estimated, long[] before, long weight);
}
