package dev.chorus.audio;

/**
 * Receives mono 16-bit samples from a {@link SampleProcessor}.
 *
 * <p>The array belongs to the caller and may be reused as soon as {@link #accept} returns: copy what must be
 * kept, and do not modify it.
 */
@FunctionalInterface
public interface SampleConsumer {

    /** Takes {@code length} samples of {@code samples} starting at {@code offset}. */
    void accept(short[] samples, int offset, int length);
}
