package dev.chorus.audio;

import java.util.Arrays;

/** A {@link SampleConsumer} that keeps everything it is given, for tests. */
final class Collect implements SampleConsumer {

    private short[] samples = new short[1024];
    private int length;
    private int calls;

    @Override
    public void accept(short[] in, int offset, int count) {
        if (length + count > samples.length) {
            samples = Arrays.copyOf(samples, Math.max(2 * samples.length, length + count));
        }
        System.arraycopy(in, offset, samples, length, count);
        length += count;
        calls++;
    }

    /** Returns a copy of everything collected so far. */
    short[] samples() {
        return Arrays.copyOf(samples, length);
    }

    /** Returns how many samples were collected. */
    int length() {
        return length;
    }

    /** Returns how many times {@link #accept} was called. */
    int calls() {
        return calls;
    }

    /** Runs {@code processor} over {@code input} in pieces of {@code piece} samples, then flushes it. */
    static short[] run(SampleProcessor processor, short[] input, int piece) {
        Collect out = new Collect();
        for (int i = 0; i < input.length; i += piece) {
            processor.process(input, i, Math.min(piece, input.length - i), out);
        }
        processor.flush(out);
        return out.samples();
    }
}
