package dev.chorus.audio.internal.opus;

import dev.chorus.audio.EncoderOptions;
import dev.chorus.audio.Resampler;
import dev.chorus.audio.internal.StreamEncoder;
import dev.chorus.tts.AudioEncoding;
import io.github.jaredmdobson.concentus.OpusApplication;
import io.github.jaredmdobson.concentus.OpusException;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes Ogg Opus (RFC 7845): Concentus, the Java port of libopus, encodes 20 ms mono frames at 48 kHz, and
 * {@link OggPageWriter} packs them into pages.
 *
 * <p>Input at other rates goes through {@link Resampler} to 48 kHz. The first page holds the OpusHead header
 * (version 1, one channel, the encoder's look-ahead as pre-skip, the input rate, no gain, mapping family 0),
 * the second the OpusTags header (vendor "Chorus", no comments); audio pages follow, each closed when it holds
 * one second of packets or 4 KiB, or on {@link #flush}. Granule positions count 48 kHz samples from the start
 * of the stream, pre-skip included, and the last page, marked end-of-stream, carries pre-skip plus the input
 * length at 48 kHz, so decoders trim the padding of the last frame and return exactly the input's duration.
 *
 * <p>{@link #flush} closes the open page; what it cannot give out is the partial 20 ms frame and the
 * resampler's few milliseconds of look-ahead.
 */
public final class OpusEncoder extends StreamEncoder {

    /** The rate Opus runs at. */
    static final int OPUS_RATE = 48000;
    /** Samples per frame at 48 kHz: 20 ms. */
    static final int FRAME = 960;

    private static final int PACKETS_PER_PAGE = 50;
    private static final int MAX_PAGE_BYTES = 4096;
    private static final int MAX_PACKET_BYTES = 1275;
    private static final String VENDOR = "Chorus";

    private final io.github.jaredmdobson.concentus.OpusEncoder opus;
    private final Resampler resampler;
    private final OggPageWriter ogg;
    private final int preSkip;
    private final short[] frame = new short[FRAME];
    private final byte[] packet = new byte[MAX_PACKET_BYTES];
    private int frameFill;
    /** Samples at 48 kHz handed to the encoder so far, excluding padding. */
    private long inputSamples;
    /** Samples at 48 kHz in the packets written so far, padding included. */
    private long encodedSamples;
    private boolean started;

    /** Creates an encoder writing to {@code out}, with the input at {@code sampleRate}, validated by the caller. */
    public OpusEncoder(int sampleRate, OutputStream out, EncoderOptions options) {
        super(AudioEncoding.OPUS, sampleRate);
        try {
            opus = new io.github.jaredmdobson.concentus.OpusEncoder(OPUS_RATE, 1, application(options));
        } catch (OpusException e) {
            throw new IllegalStateException("could not create the Opus encoder: " + e.getMessage(), e);
        }
        opus.setBitrate(options.opusBitrateKbps() * 1000);
        opus.setComplexity(options.opusComplexity());
        preSkip = opus.getLookahead();
        resampler = Resampler.create(sampleRate, OPUS_RATE);
        ogg = new OggPageWriter(out, ThreadLocalRandom.current().nextInt(), MAX_PAGE_BYTES);
    }

    private static OpusApplication application(EncoderOptions options) {
        return switch (options.opusApplication()) {
            case VOIP -> OpusApplication.OPUS_APPLICATION_VOIP;
            case AUDIO -> OpusApplication.OPUS_APPLICATION_AUDIO;
            case LOW_DELAY -> OpusApplication.OPUS_APPLICATION_RESTRICTED_LOWDELAY;
        };
    }

    /** Returns the pre-skip written to the header: the encoder's look-ahead in 48 kHz samples. */
    public int preSkip() {
        return preSkip;
    }

    @Override
    protected void encode(short[] samples, int offset, int length) throws IOException {
        start();
        if (length > 0) {
            short[] resampled = resampler.process(samples, offset, length);
            encode(resampled);
        }
    }

    @Override
    public void flush() throws IOException {
        if (!isFinished() && started) {
            ogg.closePage(false);
        }
    }

    @Override
    protected void end() throws IOException {
        start();
        encode(resampler.flush());
        long end = preSkip + inputSamples;
        // Pad with silence until the packets cover pre-skip plus the input; the last one may end past it.
        while (encodedSamples + frameFill < end || frameFill > 0) {
            Arrays.fill(frame, frameFill, FRAME, (short) 0);
            frameFill = FRAME;
            encodeFrame(Math.min(encodedSamples + FRAME, end));
        }
        ogg.closePage(true);
    }

    private void start() throws IOException {
        if (started) {
            return;
        }
        started = true;
        byte[] head = opusHead(preSkip, sampleRate());
        ogg.addPacket(head, 0, head.length, 0);
        ogg.closePage(false);
        byte[] tags = opusTags();
        ogg.addPacket(tags, 0, tags.length, 0);
        ogg.closePage(false);
    }

    private void encode(short[] samples) throws IOException {
        int pos = 0;
        while (pos < samples.length) {
            int count = Math.min(FRAME - frameFill, samples.length - pos);
            System.arraycopy(samples, pos, frame, frameFill, count);
            frameFill += count;
            pos += count;
            inputSamples += count;
            if (frameFill == FRAME) {
                encodeFrame(encodedSamples + FRAME);
            }
        }
    }

    private void encodeFrame(long granule) throws IOException {
        int bytes;
        try {
            bytes = opus.encode(frame, 0, FRAME, packet, 0, packet.length);
        } catch (OpusException e) {
            throw new IOException("the Opus encoder failed: " + e.getMessage(), e);
        }
        frameFill = 0;
        encodedSamples += FRAME;
        ogg.addPacket(packet, 0, bytes, granule);
        // While finishing, the last packet must stay in the open page for the end-of-stream flag.
        if (!isFinished() && ogg.pendingPackets() >= PACKETS_PER_PAGE) {
            ogg.closePage(false);
        }
    }

    /** Returns the 19-byte identification header of a mono stream with mapping family 0. */
    static byte[] opusHead(int preSkip, int inputRate) {
        byte[] h = new byte[19];
        System.arraycopy("OpusHead".getBytes(StandardCharsets.US_ASCII), 0, h, 0, 8);
        h[8] = 1;
        h[9] = 1;
        h[10] = (byte) preSkip;
        h[11] = (byte) (preSkip >>> 8);
        h[12] = (byte) inputRate;
        h[13] = (byte) (inputRate >>> 8);
        h[14] = (byte) (inputRate >>> 16);
        h[15] = (byte) (inputRate >>> 24);
        return h;
    }

    /** Returns the comment header: the vendor string and no user comments. */
    static byte[] opusTags() {
        byte[] vendor = VENDOR.getBytes(StandardCharsets.UTF_8);
        byte[] t = new byte[8 + 4 + vendor.length + 4];
        System.arraycopy("OpusTags".getBytes(StandardCharsets.US_ASCII), 0, t, 0, 8);
        t[8] = (byte) vendor.length;
        System.arraycopy(vendor, 0, t, 12, vendor.length);
        return t;
    }
}
