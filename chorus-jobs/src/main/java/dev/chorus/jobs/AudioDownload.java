package dev.chorus.jobs;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * How clients fetch a finished job's audio ({@code jobs.audio.download}): through the server, which reads the audio
 * store and serves ranges itself ({@link Mode#PROXY}, the default), or straight from the object store with a
 * presigned URL that stays valid for {@link #validFor} ({@link Mode#PRESIGNED}, S3 only).
 *
 * @param mode     proxy or presigned
 * @param validFor how long a presigned URL works ({@code jobs.audio.presign-expiry}); never past the job's expiry
 */
public record AudioDownload(Mode mode, Duration validFor) {

    /** The longest validity of a presigned URL: SigV4's limit, seven days. */
    public static final Duration MAX_VALID_FOR = Duration.ofDays(7);

    /** The default: proxied by the server; a presigned URL, when chosen, is valid for 15 minutes. */
    public static final AudioDownload PROXY = new AudioDownload(Mode.PROXY, Duration.ofMinutes(15));

    /** Where the bytes come from. */
    public enum Mode {
        /** The server reads the audio store and serves the audio (with {@code Range}). */
        PROXY,
        /** The client fetches the audio from the object store with a presigned GET URL. */
        PRESIGNED;

        /** Parses {@code proxy} or {@code presigned}. */
        public static Mode parse(String s) {
            for (Mode m : values()) {
                if (m.name().equalsIgnoreCase(s == null ? "" : s.trim())) {
                    return m;
                }
            }
            throw new IllegalArgumentException("jobs.audio.download: '" + s + "' (expected: proxy or presigned)");
        }

        /** Returns the setting's spelling. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public AudioDownload {
        Objects.requireNonNull(mode, "jobs.audio.download");
        if (validFor == null || validFor.compareTo(Duration.ofSeconds(1)) < 0 || validFor.compareTo(MAX_VALID_FOR) > 0) {
            throw new IllegalArgumentException("jobs.audio.presign-expiry: " + validFor + " (expected: 1s to 168h, "
                    + "7 days, the longest a presigned URL may be valid)");
        }
    }

    /** Returns presigned downloads, each URL valid for {@code validFor}. */
    public static AudioDownload presigned(Duration validFor) {
        return new AudioDownload(Mode.PRESIGNED, validFor);
    }

    /** Tells whether clients fetch from presigned URLs. */
    public boolean presigned() {
        return mode == Mode.PRESIGNED;
    }
}
