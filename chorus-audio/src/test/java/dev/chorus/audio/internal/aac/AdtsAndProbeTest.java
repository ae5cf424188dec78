package dev.chorus.audio.internal.aac;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** ADTS frame counting and parsing of ffmpeg's encoder list. */
class AdtsAndProbeTest {

    @Test
    void countsFramesWhateverTheChunking() {
        byte[] stream = new byte[0];
        int[] lengths = {7, 100, 371, 9, 2000};
        for (int length : lengths) {
            stream = concat(stream, frame(length, 0));
        }
        stream = concat(stream, frame(50, 2));
        for (int piece : new int[] {1, 3, 7, 64, stream.length}) {
            AacEncoder.AdtsFrameCounter counter = new AacEncoder.AdtsFrameCounter();
            long frames = 0;
            for (int i = 0; i < stream.length; i += piece) {
                frames = counter.add(java.util.Arrays.copyOfRange(stream, i, Math.min(stream.length, i + piece)));
            }
            assertThat(frames).as("in pieces of %d", piece).isEqualTo(lengths.length + 3);
        }
    }

    @Test
    void findsTheAacEncoderInTheListing() {
        String listing = """
                Encoders:
                 V..... = Video
                 ------
                 A....D aac                  AAC (Advanced Audio Coding)
                 A..... ac3                  ATSC A/52A (AC-3)
                """;
        assertThat(FfmpegProbe.hasEncoder(listing, "aac")).isTrue();
        assertThat(FfmpegProbe.hasEncoder(listing, "ac3")).isTrue();
        assertThat(FfmpegProbe.hasEncoder(listing, "libfdk_aac")).isFalse();
        assertThat(FfmpegProbe.hasEncoder("aac", "aac")).isFalse();
    }

    /** Returns an ADTS frame of {@code length} bytes holding {@code extraBlocks + 1} raw data blocks. */
    private static byte[] frame(int length, int extraBlocks) {
        byte[] f = new byte[length];
        f[0] = (byte) 0xFF;
        f[1] = (byte) 0xF1;
        f[3] = (byte) ((length >> 11) & 0x03);
        f[4] = (byte) (length >> 3);
        f[5] = (byte) ((length & 0x07) << 5 | 0x1F);
        f[6] = (byte) (0xFC | extraBlocks);
        return f;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
