package dev.chorus.tts;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** A container/codec Chorus can write. */
public enum AudioEncoding {
    /** RIFF WAVE, PCM 16-bit little-endian mono. A streamed WAV carries 0xFFFFFFFF as its unknown lengths. */
    WAV("wav", "audio/wav"),
    /** Raw PCM 16-bit signed little-endian mono samples, no header. */
    PCM("pcm", "audio/pcm");

    private final String id;
    private final String mediaType;

    AudioEncoding(String id, String mediaType) {
        this.id = id;
        this.mediaType = mediaType;
    }

    /** Returns the lower-case name used in APIs and file extensions. */
    public String id() {
        return id;
    }

    /** Returns the MIME type of the encoded bytes. */
    public String mediaType() {
        return mediaType;
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
}
