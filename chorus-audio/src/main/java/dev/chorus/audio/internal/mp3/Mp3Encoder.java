package dev.chorus.audio.internal.mp3;

import de.sciss.jump3r.mp3.BitStream;
import de.sciss.jump3r.mp3.GainAnalysis;
import de.sciss.jump3r.mp3.GetAudio;
import de.sciss.jump3r.mp3.ID3Tag;
import de.sciss.jump3r.mp3.Lame;
import de.sciss.jump3r.mp3.LameGlobalFlags;
import de.sciss.jump3r.mp3.MPEGMode;
import de.sciss.jump3r.mp3.Parse;
import de.sciss.jump3r.mp3.Presets;
import de.sciss.jump3r.mp3.Quantize;
import de.sciss.jump3r.mp3.QuantizePVT;
import de.sciss.jump3r.mp3.Reservoir;
import de.sciss.jump3r.mp3.Takehiro;
import de.sciss.jump3r.mp3.VBRTag;
import de.sciss.jump3r.mp3.VbrMode;
import de.sciss.jump3r.mp3.Version;
import de.sciss.jump3r.mpg.Common;
import de.sciss.jump3r.mpg.Interface;
import de.sciss.jump3r.mpg.MPGLib;
import dev.chorus.audio.EncoderOptions;
import dev.chorus.audio.internal.StreamEncoder;
import dev.chorus.tts.AudioEncoding;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes MPEG Layer III with jump3r, the Java port of LAME, driven through its LAME-level API.
 *
 * <p>The stream is bare frames: no ID3 tag and no Xing/LAME info frame, since both would need the finished
 * length written back at the start, which a stream cannot do. Without the info frame decoders do not trim
 * LAME's 576-sample encoder delay or the end padding, so decoded audio starts about 1100 samples (with the
 * decoder's own delay) late and runs up to two frames long.
 *
 * <p>LAME emits a frame as soon as it has the samples for it plus its look-ahead (about 1300 samples up to
 * 24000 Hz, 1900 above), and every {@link #write} hands the bytes it returns straight to the stream. {@link #flush} has
 * nothing more to give: forcing out the held-back samples would end the stream or insert silence.
 */
public final class Mp3Encoder extends StreamEncoder {

    private static final int[] MPEG1_BITRATES = {32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320};
    private static final int[] MPEG2_BITRATES = {8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160};
    private static final int QUALITY = 5;
    private static final int CHUNK_SAMPLES = 4608;

    private final OutputStream out;
    private final Lame lame;
    private final LameGlobalFlags flags;
    private final int bitrateKbps;
    private final int[] pcm = new int[CHUNK_SAMPLES];
    private final byte[] mp3 = new byte[CHUNK_SAMPLES * 5 / 4 + 7200];

    /** Creates an encoder writing to {@code out} at {@code sampleRate}, both validated by the caller. */
    public Mp3Encoder(int sampleRate, OutputStream out, EncoderOptions options) {
        super(AudioEncoding.MP3, sampleRate);
        this.out = out;
        this.bitrateKbps = bitrateFor(sampleRate, options.mp3BitrateKbps());

        lame = new Lame();
        GetAudio getAudio = new GetAudio();
        GainAnalysis gainAnalysis = new GainAnalysis();
        BitStream bitStream = new BitStream();
        Presets presets = new Presets();
        QuantizePVT quantizePvt = new QuantizePVT();
        Quantize quantize = new Quantize();
        VBRTag vbrTag = new VBRTag();
        Version version = new Version();
        ID3Tag id3 = new ID3Tag();
        Reservoir reservoir = new Reservoir();
        Takehiro takehiro = new Takehiro();
        Parse parse = new Parse();
        MPGLib mpgLib = new MPGLib();
        Interface mpgInterface = new Interface();
        Common common = new Common();
        lame.setModules(gainAnalysis, bitStream, presets, quantizePvt, quantize, vbrTag, version, id3, mpgLib);
        bitStream.setModules(gainAnalysis, mpgLib, version, vbrTag);
        id3.setModules(bitStream, version);
        presets.setModules(lame);
        quantize.setModules(bitStream, reservoir, quantizePvt, takehiro);
        quantizePvt.setModules(takehiro, reservoir, lame.enc.psy);
        reservoir.setModules(bitStream);
        takehiro.setModules(quantizePvt);
        vbrTag.setModules(lame, bitStream, version);
        getAudio.setModules(parse, mpgLib);
        parse.setModules(version, id3, presets);
        mpgLib.setModules(mpgInterface, common);
        mpgInterface.setModules(vbrTag, common);

        flags = lame.lame_init();
        flags.num_channels = 1;
        flags.in_samplerate = sampleRate;
        flags.out_samplerate = sampleRate;
        flags.mode = MPEGMode.MONO;
        flags.quality = QUALITY;
        if (options.mp3Vbr()) {
            flags.VBR = VbrMode.vbr_abr;
            flags.VBR_mean_bitrate_kbps = bitrateKbps;
        } else {
            flags.VBR = VbrMode.vbr_off;
            flags.brate = bitrateKbps;
        }
        id3.id3tag_init(flags);
        flags.write_id3tag_automatic = false;
        flags.bWriteVbrTag = false;
        flags.findReplayGain = false;
        int rc = lame.lame_init_params(flags);
        if (rc < 0) {
            throw new IllegalArgumentException("the MP3 encoder rejected " + sampleRate + " Hz at " + bitrateKbps
                    + " kbit/s (LAME error " + rc + ")");
        }
    }

    /**
     * Returns the bitrate to use at {@code sampleRate}: the default of the rate when {@code requested} is 0,
     * else the bitrate of the rate's MPEG version nearest to {@code requested} (the higher one on a tie).
     */
    public static int bitrateFor(int sampleRate, int requested) {
        if (requested == 0) {
            return sampleRate >= 32000 ? 64 : sampleRate >= 16000 ? 48 : 24;
        }
        int[] allowed = sampleRate > 24000 ? MPEG1_BITRATES : MPEG2_BITRATES;
        int best = allowed[0];
        for (int b : allowed) {
            if (Math.abs(b - requested) <= Math.abs(best - requested)) {
                best = b;
            }
        }
        return best;
    }

    /** Returns the bitrate the encoder was set to, in kbit/s (the average one in VBR mode). */
    public int bitrateKbps() {
        return bitrateKbps;
    }

    @Override
    protected void encode(short[] samples, int offset, int length) throws IOException {
        while (length > 0) {
            int count = Math.min(length, CHUNK_SAMPLES);
            for (int i = 0; i < count; i++) {
                pcm[i] = samples[offset + i] << 16;
            }
            int bytes = lame.lame_encode_buffer_int(flags, pcm, pcm, count, mp3, 0, mp3.length);
            check(bytes);
            if (bytes > 0) {
                out.write(mp3, 0, bytes);
            }
            offset += count;
            length -= count;
        }
    }

    @Override
    protected void end() throws IOException {
        int bytes = lame.lame_encode_flush(flags, mp3, 0, mp3.length);
        lame.lame_close(flags);
        check(bytes);
        if (bytes > 0) {
            out.write(mp3, 0, bytes);
        }
    }

    private static void check(int result) throws IOException {
        if (result < 0) {
            throw new IOException("the MP3 encoder failed (LAME error " + result + ")");
        }
    }
}
