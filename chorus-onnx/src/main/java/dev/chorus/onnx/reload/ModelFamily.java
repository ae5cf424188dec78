package dev.chorus.onnx.reload;

import dev.chorus.onnx.ModelLoadException;
import dev.chorus.tts.VoiceInfo;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a {@link VoiceDirectory} needs to know about one kind of model (Piper, acoustic model + vocoder, Kokoro):
 * how to recognise a voice's files, how to load them, and what voices a loaded version offers. The directory does
 * the rest: scanning, watching, waiting for copies to finish, versions, leases and failures.
 *
 * @param <M> a loaded version's model (sessions, config); closed once the version unloads and its last run ended
 */
public interface ModelFamily<M extends AutoCloseable> {

    /** Returns the engine id, the prefix of voice ids and of log lines: {@code piper}. */
    String engineId();

    /**
     * Returns the voice whose primary file {@code file} is, or empty for any other file (companions included). The
     * directory ignores names starting with {@code .} and names containing {@code @}, {@code #} or {@code :}.
     */
    Optional<VoiceFiles> recognise(Path file);

    /**
     * Loads a voice's files as {@code version}: parses, creates sessions, checks interfaces, test-runs. Runs on the
     * scanning thread; the version becomes current only when this returns.
     *
     * @param contents the bytes of {@link VoiceFiles#all()}, in that order (hashed by the directory to tell a new
     *                 version from the same files touched again)
     * @throws ModelLoadException naming the file and what does not fit; the voice is listed in failures
     */
    M load(VoiceFiles files, int version, List<byte[]> contents) throws ModelLoadException;

    /** Returns the voices a loaded version offers (at least one; several speakers may each be one). */
    List<VoiceInfo> voices(ModelVersion<M> version);

    /** Returns a few words about a loaded model for the log line that announces it, e.g. {@code cpu}. */
    default String describe(M model) {
        return "";
    }
}
