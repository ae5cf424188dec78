package dev.chorus.audio.internal.g711;

/**
 * ITU-T G.711 companding of 16-bit linear samples to 8-bit µ-law and A-law codes, and back.
 *
 * <p>Encoding follows the segment algorithm of the Recommendation (as in the widely used reference
 * {@code g711.c}): µ-law adds a bias of 132 to the magnitude, clipped at 32635, and inverts all bits; A-law
 * works on the magnitude shifted right by 3 and inverts the even bits (XOR 0x55). Decoding returns the middle
 * of each code's quantisation interval. Over all 65536 inputs, {@code decode(encode(x))} lies within 8 of
 * {@code x} for magnitudes below 256, and within 4.2% (µ-law) or 3.2% (A-law) of it above; the largest error,
 * 644 for µ-law and 512 for A-law, is at full scale.
 */
public final class G711 {

    private static final int MULAW_BIAS = 0x84;
    private static final int MULAW_CLIP = 32635;

    private static final short[] MULAW_DECODE = new short[256];
    private static final short[] ALAW_DECODE = new short[256];

    static {
        for (int i = 0; i < 256; i++) {
            MULAW_DECODE[i] = decodeMuLawSlow(i);
            ALAW_DECODE[i] = decodeALawSlow(i);
        }
    }

    private G711() {
    }

    /** Returns the µ-law code of a 16-bit linear sample. */
    public static byte linearToMuLaw(short sample) {
        int pcm = sample;
        int sign = (pcm >> 8) & 0x80;
        if (sign != 0) {
            pcm = -pcm;
        }
        if (pcm > MULAW_CLIP) {
            pcm = MULAW_CLIP;
        }
        pcm += MULAW_BIAS;
        int exponent = segment(pcm >> 7);
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte) ~(sign | (exponent << 4) | mantissa);
    }

    /** Returns the A-law code of a 16-bit linear sample. */
    public static byte linearToALaw(short sample) {
        int pcm = sample >> 3;
        int mask;
        if (pcm >= 0) {
            mask = 0xD5;
        } else {
            mask = 0x55;
            pcm = -pcm - 1;
        }
        int exponent = pcm < 32 ? 0 : segment(pcm >> 5) + 1;
        if (exponent > 7) {
            return (byte) (0x7F ^ mask);
        }
        int mantissa = exponent < 2 ? (pcm >> 1) & 0x0F : (pcm >> exponent) & 0x0F;
        return (byte) (((exponent << 4) | mantissa) ^ mask);
    }

    /** Returns the 16-bit linear value of a µ-law code. */
    public static short muLawToLinear(byte code) {
        return MULAW_DECODE[code & 0xFF];
    }

    /** Returns the 16-bit linear value of an A-law code. */
    public static short aLawToLinear(byte code) {
        return ALAW_DECODE[code & 0xFF];
    }

    /** Returns the segment (0 to 7) of a value: the position of its highest set bit among the low 8 bits. */
    private static int segment(int value) {
        return value <= 0 ? 0 : Math.min(7, 31 - Integer.numberOfLeadingZeros(value));
    }

    private static short decodeMuLawSlow(int code) {
        int u = ~code & 0xFF;
        int t = ((u & 0x0F) << 3) + MULAW_BIAS;
        t <<= (u & 0x70) >> 4;
        return (short) ((u & 0x80) != 0 ? MULAW_BIAS - t : t - MULAW_BIAS);
    }

    private static short decodeALawSlow(int code) {
        int a = (code ^ 0x55) & 0xFF;
        int t = (a & 0x0F) << 4;
        int seg = (a & 0x70) >> 4;
        switch (seg) {
            case 0 -> t += 8;
            case 1 -> t += 0x108;
            default -> {
                t += 0x108;
                t <<= seg - 1;
            }
        }
        return (short) ((a & 0x80) != 0 ? t : -t);
    }
}
