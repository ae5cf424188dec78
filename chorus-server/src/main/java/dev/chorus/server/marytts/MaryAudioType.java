package dev.chorus.server.marytts;

import dev.chorus.tts.AudioEncoding;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * The audio file types of MaryTTS's {@code AUDIO} parameter that Chorus writes, with the content type MaryTTS
 * answers each with. WAVE, AU and AIFF are 16-bit PCM mono at the voice's rate; MP3 is Chorus's own encoder.
 */
enum MaryAudioType {
    /** RIFF WAVE, 16-bit little-endian PCM. */
    WAVE("audio/x-wav", AudioEncoding.WAV),
    /** Sun/NeXT AU, 16-bit big-endian linear PCM. */
    AU("audio/basic", AudioEncoding.PCM),
    /** AIFF, 16-bit big-endian PCM. */
    AIFF("audio/x-aiff", AudioEncoding.PCM),
    /** MPEG Layer III. */
    MP3("audio/x-mpeg", AudioEncoding.MP3);

    private final String contentType;
    private final AudioEncoding encoding;

    MaryAudioType(String contentType, AudioEncoding encoding) {
        this.contentType = contentType;
        this.encoding = encoding;
    }

    /** Returns the content type MaryTTS's server answers this type with. */
    String contentType() {
        return contentType;
    }

    /** Returns what the speech pipeline is asked for; AU and AIFF are framed here from its PCM. */
    AudioEncoding encoding() {
        return encoding;
    }

    /**
     * Parses an {@code AUDIO} value as MaryTTS does: the part before the last underscore names the type
     * ({@code WAVE_FILE}, {@code WAVE}, {@code MP3_STREAM}); case is ignored. Returns {@code null} when Chorus
     * writes no such type.
     */
    static MaryAudioType parse(String value) {
        String name = value.strip();
        int underscore = name.lastIndexOf('_');
        if (underscore != -1) {
            name = name.substring(0, underscore);
        }
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "WAVE", "WAV" -> WAVE;
            case "AU", "SND" -> AU;
            case "AIFF" -> AIFF;
            case "MP3" -> MP3;
            default -> null;
        };
    }

    /** Returns the file to send for the pipeline's whole output {@code audio} at {@code sampleRate} Hz. */
    byte[] file(byte[] audio, int sampleRate) {
        return switch (this) {
            case WAVE, MP3 -> audio;
            case AU -> au(audio, sampleRate);
            case AIFF -> aiff(audio, sampleRate);
        };
    }

    /** Writes an AU file: a 24-byte header (encoding 3, 16-bit linear PCM), then big-endian samples. */
    private static byte[] au(byte[] pcm, int sampleRate) {
        int samples = pcm.length / 2;
        ByteBuffer b = ByteBuffer.allocate(24 + samples * 2).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0x2e736e64).putInt(24).putInt(samples * 2).putInt(3).putInt(sampleRate).putInt(1);
        putBigEndian(b, pcm, samples);
        return b.array();
    }

    /** Writes an AIFF file: FORM, COMM (mono, 16-bit, the rate as an 80-bit float) and SSND chunks. */
    private static byte[] aiff(byte[] pcm, int sampleRate) {
        int samples = pcm.length / 2;
        int ssnd = 8 + samples * 2;
        ByteBuffer b = ByteBuffer.allocate(12 + 26 + 8 + ssnd).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0x464f524d).putInt(4 + 26 + 8 + ssnd).putInt(0x41494646); // FORM, size, AIFF
        b.putInt(0x434f4d4d).putInt(18).putShort((short) 1).putInt(samples).putShort((short) 16); // COMM
        putExtended(b, sampleRate);
        b.putInt(0x53534e44).putInt(ssnd).putInt(0).putInt(0); // SSND, size, offset, block size
        putBigEndian(b, pcm, samples);
        return b.array();
    }

    private static void putBigEndian(ByteBuffer b, byte[] pcm, int samples) {
        for (int i = 0; i < samples; i++) {
            b.put(pcm[2 * i + 1]).put(pcm[2 * i]);
        }
    }

    /** Puts a positive integer as an IEEE 754 80-bit extended float, as AIFF stores its sample rate. */
    private static void putExtended(ByteBuffer b, int value) {
        int exponent = 31 - Integer.numberOfLeadingZeros(value);
        long mantissa = ((long) value) << (63 - exponent);
        b.putShort((short) (16383 + exponent)).putLong(mantissa);
    }
}
