package dev.chorus.audio.internal;

import dev.chorus.audio.Resampler;

import java.util.Arrays;
import java.util.Objects;

/** The converter for equal rates: passes samples through, with the same lifecycle checks as the others. */
public final class IdentityResampler implements Resampler {

    private final int rate;
    private boolean flushed;

    /** Creates a pass-through converter at {@code rate}, validated by the caller. */
    public IdentityResampler(int rate) {
        this.rate = rate;
    }

    @Override
    public short[] process(short[] in, int offset, int length) {
        Objects.requireNonNull(in, "in");
        Objects.checkFromIndexSize(offset, length, in.length);
        if (flushed) {
            throw new IllegalStateException("resampler already flushed");
        }
        return Arrays.copyOfRange(in, offset, offset + length);
    }

    @Override
    public short[] flush() {
        flushed = true;
        return new short[0];
    }

    @Override
    public int inputRate() {
        return rate;
    }

    @Override
    public int outputRate() {
        return rate;
    }

    @Override
    public String toString() {
        return "IdentityResampler[" + rate + " Hz]";
    }
}
