package dev.chorus.onnx.reload;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The files of one voice, as a {@link ModelFamily} recognises them: the primary file whose presence makes the voice
 * exist (deleting it removes the voice), and companions that must sit beside it (deleting one is a failed change).
 *
 * @param name       the voice's name, unique in the directory: the part of its id after the engine
 * @param primary    the file that makes the voice exist, e.g. {@code x.onnx}
 * @param companions the other files it needs, in order, e.g. {@code x.onnx.json}
 */
public record VoiceFiles(String name, Path primary, List<Companion> companions) {

    /**
     * A file a voice needs beside its primary file.
     *
     * @param file the file
     * @param role what it is, for the message when it is missing: {@code the voice's config}
     */
    public record Companion(Path file, String role) {
        public Companion {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(role, "role");
        }
    }

    public VoiceFiles {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(primary, "primary");
        companions = List.copyOf(companions);
    }

    /** Returns the primary file and then the companions. */
    public List<Path> all() {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(primary),
                companions.stream().map(Companion::file)).toList();
    }
}
