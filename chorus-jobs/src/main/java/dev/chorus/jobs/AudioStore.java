package dev.chorus.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Where jobs' audio lives: each finished sentence run as it is made, then the assembled result. Keys are
 * {@code /}-separated names such as {@code JOB/run-000001.pcm}; an object is written whole and becomes visible only
 * once it is durably stored, so a crash never leaves a partial object under a key.
 *
 * <p>Implementations are thread-safe.
 */
public interface AudioStore {

    /** Returns a store of files under {@code dir} (a local disk or a volume the nodes share). */
    static AudioStore directory(Path dir) {
        return new DirectoryAudioStore(dir);
    }

    /**
     * Returns a store in an S3-compatible bucket, credentials from the AWS SDK's default provider chain.
     *
     * @param bucket    the bucket
     * @param prefix    a key prefix ({@code ""} for none)
     * @param endpoint  a non-AWS endpoint such as {@code http://minio:9000}, or {@code null} for AWS
     * @param region    the region, or {@code null} for the provider chain's
     * @param pathStyle whether the bucket goes in the path ({@code http://host/bucket/key}) rather than the host
     */
    static AudioStore s3(String bucket, String prefix, java.net.URI endpoint, String region, boolean pathStyle) {
        return new S3AudioStore(new S3AudioStore.S3Settings(bucket, prefix, endpoint, region, pathStyle));
    }

    /** Stores {@code bytes} under {@code key}, replacing what was there; durable when it returns. */
    void put(String key, byte[] bytes) throws IOException;

    /**
     * Stores what {@code writer} writes under {@code key}, durable when it returns; nothing is visible under the
     * key if the writer fails.
     */
    void write(String key, Writer writer) throws IOException;

    /** Writes an object's bytes. */
    interface Writer {
        void writeTo(java.io.OutputStream out) throws IOException;
    }

    /** Returns the size of the object under {@code key}, or empty when there is none. */
    OptionalLong size(String key) throws IOException;

    /** Opens the object under {@code key} from byte {@code offset} on. */
    InputStream open(String key, long offset) throws IOException;

    /** Deletes every object whose key starts with {@code prefix}; nothing there is fine. */
    void deleteAll(String prefix) throws IOException;

    /**
     * Tells whether this store can hand out URLs from which a client fetches an object itself
     * ({@link #presignedGet}); an S3 store can, a directory cannot.
     */
    default boolean presigns() {
        return false;
    }

    /**
     * Returns a URL from which anyone holding it may GET the object under {@code key} (with {@code Range}) for
     * {@code validFor}, without credentials of their own.
     *
     * @throws UnsupportedOperationException when the store {@linkplain #presigns() cannot}
     */
    default java.net.URI presignedGet(String key, java.time.Duration validFor) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " hands out no presigned URLs");
    }
}
