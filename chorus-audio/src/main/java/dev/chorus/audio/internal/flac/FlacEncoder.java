package dev.chorus.audio.internal.flac;

import dev.chorus.audio.EncoderOptions;
import dev.chorus.audio.internal.StreamEncoder;
import dev.chorus.tts.AudioEncoding;
import net.sourceforge.javaflacencoder.EncodingConfiguration;
import net.sourceforge.javaflacencoder.FLACEncoder;
import net.sourceforge.javaflacencoder.FLACOutputStream;
import net.sourceforge.javaflacencoder.StreamConfiguration;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;

/**
 * Writes 16-bit mono FLAC with javaFlacEncoder, one frame per block of samples, as the blocks fill.
 *
 * <p>The stream starts with the STREAMINFO block as it is known at the start: total samples 0 (unknown), MD5
 * unset and frame sizes unknown; the stream cannot be rewound to fill them in. {@code flac -t} accepts such a
 * file, warning that it cannot check the MD5 signature. Blocks are 1024 samples below 16000 Hz, 2048 up to
 * 24000 Hz and 4096 above, about 85 to 128 ms: a frame goes out once its block is full, and the last,
 * shorter, block at {@link #finish}. Encoding runs on the caller's thread.
 */
public final class FlacEncoder extends StreamEncoder {

    private static final int CHUNK_SAMPLES = 4096;

    private final OutputStream out;
    private final FLACEncoder flac;
    private final Buffer buffer = new Buffer();
    private final int[] pcm = new int[CHUNK_SAMPLES];
    private long added;
    private long encoded;
    private boolean started;

    /** Creates an encoder writing to {@code out} at {@code sampleRate}, both validated by the caller. */
    public FlacEncoder(int sampleRate, OutputStream out, EncoderOptions options) {
        super(AudioEncoding.FLAC, sampleRate);
        this.out = out;
        int blockSize = blockSize(sampleRate);
        flac = new FLACEncoder();
        // At least one encoding thread must be configured: with none the library fails on every block. Frames
        // are still encoded on the caller's thread, through encodeSamples.
        flac.setThreadCount(1);
        StreamConfiguration stream = new StreamConfiguration(1, blockSize, blockSize, sampleRate, 16);
        if (!stream.isValid() || !flac.setStreamConfiguration(stream)) {
            throw new IllegalArgumentException("the FLAC encoder rejected " + sampleRate + " Hz");
        }
        EncodingConfiguration encoding = new EncodingConfiguration();
        int level = options.flacCompressionLevel();
        if (level <= 2) {
            encoding.setSubframeType(EncodingConfiguration.SubframeType.FIXED);
        } else {
            encoding.setSubframeType(EncodingConfiguration.SubframeType.EXHAUSTIVE);
            encoding.setMaxLPCOrder(level <= 5 ? 8 : 12);
        }
        flac.setEncodingConfiguration(encoding);
        flac.setOutputStream(buffer);
    }

    /** Returns the block size used at {@code sampleRate}. */
    public static int blockSize(int sampleRate) {
        return sampleRate < 16000 ? 1024 : sampleRate <= 24000 ? 2048 : 4096;
    }

    @Override
    protected void encode(short[] samples, int offset, int length) throws IOException {
        start();
        while (length > 0) {
            int count = Math.min(length, CHUNK_SAMPLES);
            for (int i = 0; i < count; i++) {
                pcm[i] = samples[offset + i];
            }
            flac.addSamples(pcm, count);
            added += count;
            encoded += flac.encodeSamples(Integer.MAX_VALUE, false);
            offset += count;
            length -= count;
        }
        buffer.drainTo(out);
    }

    @Override
    protected void end() throws IOException {
        start();
        int rest = (int) (added - encoded);
        int done = flac.encodeSamples(rest, true);
        if (done != rest) {
            throw new IOException("the FLAC encoder wrote " + done + " of the last " + rest + " samples");
        }
        buffer.drainTo(out);
    }

    private void start() throws IOException {
        if (!started) {
            started = true;
            flac.openFLACStream();
        }
    }

    /** Collects what the library writes, for the encoder to pass on in one piece per call; cannot seek. */
    private static final class Buffer implements FLACOutputStream {
        private byte[] bytes = new byte[8192];
        private int length;
        private long position;

        @Override
        public long seek(long pos) {
            throw new UnsupportedOperationException("a streamed FLAC output cannot seek");
        }

        @Override
        public int write(byte[] data, int offset, int count) {
            ensure(count);
            System.arraycopy(data, offset, bytes, length, count);
            length += count;
            position += count;
            return count;
        }

        @Override
        public void write(byte data) {
            ensure(1);
            bytes[length++] = data;
            position++;
        }

        @Override
        public long size() {
            return position;
        }

        @Override
        public boolean canSeek() {
            return false;
        }

        @Override
        public long getPos() {
            return position;
        }

        void drainTo(OutputStream out) throws IOException {
            if (length > 0) {
                out.write(bytes, 0, length);
                length = 0;
            }
        }

        private void ensure(int count) {
            if (length + count > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + count));
            }
        }
    }
}
