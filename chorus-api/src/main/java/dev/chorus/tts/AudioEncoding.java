package dev.chorus.tts;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A container/codec Chorus can write, with the sample rates it can carry.
 *
 * <p>Every format is mono. {@link #outputRate} picks the rate a response is encoded at from the rate the caller
 * asked for and the voice's native rate, and rejects a rate the format cannot carry.
 */
public enum AudioEncoding {
    /** RIFF WAVE, PCM 16-bit little-endian mono. A streamed WAV carries 0xFFFFFFFF as its unknown lengths. */
    WAV("wav", "audio/wav", "wav", Rates.SERVER),
    /** Raw PCM 16-bit signed little-endian mono samples, no header. */
    PCM("pcm", "audio/pcm", "pcm", Rates.SERVER),
    /** MPEG-1/2/2.5 Layer III, constant bitrate unless configured otherwise, no ID3 or Xing tag. */
    MP3("mp3", "audio/mpeg", "mp3", Rates.SERVER),
    /**
     * Opus in Ogg (RFC 7845), as OpenAI's {@code opus}. Encoded at 48 kHz whatever the rate; the stream header
     * records the rate asked for as the input rate, which decoders such as {@code opusdec} restore.
     */
    OPUS("opus", "audio/ogg", "opus", Rates.SERVER),
    /** Free Lossless Audio Codec, 16-bit mono; a streamed file leaves its total length and MD5 unset. */
    FLAC("flac", "audio/flac", "flac", Rates.SERVER),
    /** AAC-LC in ADTS frames; encoded by the ffmpeg program, so available only where it is installed. */
    AAC("aac", "audio/aac", "aac", Rates.SERVER),
    /** Raw ITU-T G.711 µ-law bytes at 8 kHz, no header. */
    MULAW("mulaw", "audio/basic", "ulaw", Rates.TELEPHONY),
    /** Raw ITU-T G.711 A-law bytes at 8 kHz, no header. */
    ALAW("alaw", "audio/x-alaw-basic", "alaw", Rates.TELEPHONY),
    /** G.711 µ-law in RIFF WAVE (format tag 7) at 8 kHz; a streamed file carries 0xFFFFFFFF as its lengths. */
    WAV_MULAW("wav_mulaw", "audio/wav", "wav", Rates.TELEPHONY),
    /** G.711 A-law in RIFF WAVE (format tag 6) at 8 kHz; a streamed file carries 0xFFFFFFFF as its lengths. */
    WAV_ALAW("wav_alaw", "audio/wav", "wav", Rates.TELEPHONY);

    private final String id;
    private final String mediaType;
    private final String fileExtension;
    private final List<Integer> sampleRates;

    AudioEncoding(String id, String mediaType, String fileExtension, List<Integer> sampleRates) {
        this.id = id;
        this.mediaType = mediaType;
        this.fileExtension = fileExtension;
        this.sampleRates = sampleRates;
    }

    /** Returns the lower-case name used in APIs, such as {@code wav_mulaw}. */
    public String id() {
        return id;
    }

    /** Returns the MIME type of the encoded bytes. */
    public String mediaType() {
        return mediaType;
    }

    /**
     * Returns the usual file name extension, without the dot: {@code wav}, {@code pcm}, {@code mp3},
     * {@code opus}, {@code flac}, {@code aac}, {@code ulaw} or {@code alaw}; G.711 in WAV is {@code wav}.
     */
    public String fileExtension() {
        return fileExtension;
    }

    /** Returns the sample rates, in Hz and ascending, that a response in this format may be encoded at. */
    public List<Integer> sampleRates() {
        return sampleRates;
    }

    /** Returns whether a response in this format may be encoded at {@code sampleRate} Hz. */
    public boolean supportsSampleRate(int sampleRate) {
        return sampleRates.contains(sampleRate);
    }

    /**
     * Returns the sample rate to encode at when the caller asks for {@code requestedRate} and the voice speaks at
     * {@code nativeRate}.
     *
     * <p>A requested rate of 0 means "the default": 8000 Hz for the G.711 formats, and for the others the native
     * rate if the format carries it, else the lowest rate it carries above the native rate, else its highest
     * rate. Any other requested rate is returned as is if the format carries it.
     *
     * @throws InvalidInputException for parameter {@code sample_rate} if {@code requestedRate} is neither 0 nor
     *     one of {@link #sampleRates()}, listing those
     */
    public int outputRate(int requestedRate, int nativeRate) {
        if (requestedRate == 0) {
            if (sampleRates.contains(nativeRate)) {
                return nativeRate;
            }
            for (int rate : sampleRates) {
                if (rate > nativeRate) {
                    return rate;
                }
            }
            return sampleRates.getLast();
        }
        if (!sampleRates.contains(requestedRate)) {
            throw new InvalidInputException("sample_rate", "sample_rate: " + requestedRate + " is not valid for "
                    + id + " (expected one of: " + sampleRates.stream().map(String::valueOf)
                            .collect(Collectors.joining(", ")) + ")");
        }
        return requestedRate;
    }

    /**
     * Parses a format name case-insensitively.
     *
     * @throws InvalidInputException naming the supported formats if {@code name} is not one
     */
    public static AudioEncoding parse(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (AudioEncoding e : values()) {
            if (e.id.equals(n)) {
                return e;
            }
        }
        throw new InvalidInputException("response_format", "response_format: '" + name + "' (expected one of: "
                + Arrays.stream(values()).map(AudioEncoding::id).collect(Collectors.joining(", ")) + ")");
    }

    /** The rate sets; a nested class because enum constants cannot refer to the enum's own static fields. */
    private static final class Rates {
        static final List<Integer> SERVER = List.of(8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000);
        static final List<Integer> TELEPHONY = List.of(8000);

        private Rates() {
        }
    }
}
