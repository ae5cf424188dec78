package dev.chorus.asr.dnsmos.internal;

/**
 * How DNSMOS cuts a clip into the model's 9.01 s inputs: a clip shorter than that is repeated (appended to itself
 * until it is long enough); then one segment starts every second, {@code floor(seconds) - 9.01} rounded toward zero
 * plus one of them, and a segment that would run past the end is left out.
 */
final class Segments {

    /** The sample rate DNSMOS works at. */
    static final int RATE = 16_000;
    /** Samples per segment: 9.01 s. */
    static final int LENGTH = 144_160;
    /** Seconds per segment. */
    static final double SECONDS = 9.01;

    private Segments() {
    }

    /** Returns {@code audio} repeated as DNSMOS repeats a short clip (the same array when long enough). */
    static float[] extend(float[] audio) {
        if (audio.length == 0 || audio.length >= LENGTH) {
            return audio;
        }
        float[] out = audio;
        while (out.length < LENGTH) {
            float[] doubled = new float[out.length * 2];
            System.arraycopy(out, 0, doubled, 0, out.length);
            System.arraycopy(out, 0, doubled, out.length, out.length);
            out = doubled;
        }
        return out;
    }

    /** Returns the start of each segment of an (extended) clip of {@code samples} samples. */
    static int[] starts(int samples) {
        int hops = (int) (Math.floor(samples / (double) RATE) - SECONDS) + 1;
        int[] starts = new int[Math.max(0, hops)];
        int n = 0;
        for (int i = 0; i < hops; i++) {
            if ((long) i * RATE + LENGTH <= samples) {
                starts[n++] = i * RATE;
            }
        }
        return java.util.Arrays.copyOf(starts, n);
    }
}
