package dev.chorus.tts.spi;

/**
 * Timing events an engine reports while synthesizing. Text offsets are UTF-16 indices into the chunk's text;
 * sample offsets count from the start of the chunk's audio.
 */
public sealed interface SynthesisEvent {

    /** Returns the position in the chunk's audio, in samples, where the event happens. */
    long sampleOffset();

    /** A word starts at {@code sampleOffset}. */
    record Word(int textOffset, int textLength, long sampleOffset) implements SynthesisEvent {
    }

    /** A sentence starts at {@code sampleOffset}. */
    record Sentence(int textOffset, long sampleOffset) implements SynthesisEvent {
    }

    /** A named mark (SSML {@code <mark>}) is reached at {@code sampleOffset}. */
    record Mark(String name, long sampleOffset) implements SynthesisEvent {
    }
}
