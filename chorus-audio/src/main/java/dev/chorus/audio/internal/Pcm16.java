package dev.chorus.audio.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Conversions between 16-bit samples and their little-endian bytes. */
public final class Pcm16 {

    private static final VarHandle SHORT_LE =
            MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private static final ValueLayout.OfShort SHORT_LE_LAYOUT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Pcm16() {
    }

    /** Writes {@code count} samples from {@code src[srcOffset]} as little-endian bytes at {@code dst[dstOffset]}. */
    public static void toLittleEndian(short[] src, int srcOffset, byte[] dst, int dstOffset, int count) {
        // One bulk copy (a plain memory copy on little-endian machines) instead of a store per sample.
        MemorySegment.copy(MemorySegment.ofArray(src), ValueLayout.JAVA_SHORT, 2L * srcOffset,
                MemorySegment.ofArray(dst), SHORT_LE_LAYOUT, dstOffset, count);
    }

    /** Returns the {@code count} samples stored little-endian at {@code src[offset]}. */
    public static short[] fromLittleEndian(byte[] src, int offset, int count) {
        short[] out = new short[count];
        for (int i = 0; i < count; i++) {
            out[i] = (short) SHORT_LE.get(src, offset + 2 * i);
        }
        return out;
    }
}
