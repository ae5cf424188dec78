package dev.chorus.audio;

/**
 * A streaming transformation of mono 16-bit samples, such as {@link TimeStretch}, {@link PitchShift} or
 * {@link Gain}.
 *
 * <p>One instance serves one stream and is not thread-safe. Feed it with {@link #process} as audio arrives; it
 * passes what is ready to the consumer, possibly nothing, possibly in several calls. {@link #flush} ends the
 * input and passes the rest. The output is the same however the input was split into calls. A stateless
 * processor ({@link Gain}) holds nothing back and may be reused after {@code flush}.
 */
public interface SampleProcessor {

    /**
     * Processes {@code length} samples of {@code samples} starting at {@code offset}, giving {@code out} the
     * output that is ready. The input array is not retained.
     *
     * @throws IndexOutOfBoundsException if the range lies outside {@code samples}
     * @throws IllegalStateException if {@link #flush} was called on a processor that keeps state
     */
    void process(short[] samples, int offset, int length, SampleConsumer out);

    /**
     * Ends the input and gives {@code out} the remaining output; afterwards {@link #process} fails and
     * {@code flush} gives nothing.
     */
    void flush(SampleConsumer out);
}
