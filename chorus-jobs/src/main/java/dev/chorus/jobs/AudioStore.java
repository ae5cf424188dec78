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
}
