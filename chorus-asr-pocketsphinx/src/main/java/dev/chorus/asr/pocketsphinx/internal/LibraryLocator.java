package dev.chorus.asr.pocketsphinx.internal;

import dev.chorus.tts.EngineUnavailableException;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds libpocketsphinx and the English model, failing with a message that says what to install or set. */
final class LibraryLocator {

    static final Path DEBIAN_LIBRARY = Path.of("/usr/lib/x86_64-linux-gnu/libpocketsphinx.so.3");
    static final Path DEBIAN_MODEL = Path.of("/usr/share/pocketsphinx/model/en-us");
    static final String LIBRARY_NAME = "libpocketsphinx.so.3";
    static final String INSTALL = "install the Debian packages libpocketsphinx3 pocketsphinx-en-us "
            + "(apt-get install libpocketsphinx3 pocketsphinx-en-us)";

    private LibraryLocator() {
    }

    /**
     * Returns the library to load: the configured file, else the Debian path, else the bare name for the dynamic
     * loader's search path (checked when loaded).
     *
     * @throws EngineUnavailableException if a configured file does not exist
     */
    static String library(String configured) {
        if (configured != null) {
            Path path = Path.of(configured);
            if (!Files.isRegularFile(path)) {
                throw new EngineUnavailableException("PocketSphinx is not available: " + PocketSphinxSettings.LIBRARY
                        + ": " + path + " does not exist; " + INSTALL + " or fix the setting");
            }
            return path.toString();
        }
        return Files.isRegularFile(DEBIAN_LIBRARY) ? DEBIAN_LIBRARY.toString() : LIBRARY_NAME;
    }

    /**
     * Returns the model files in {@code configured} (or Debian's model directory): the acoustic model directory
     * {@code en-us}, the language model {@code en-us.lm.bin} and the dictionary {@code cmudict-en-us.dict}.
     *
     * @throws EngineUnavailableException naming the missing file
     */
    static Model model(String configured) {
        Path dir = configured != null ? Path.of(configured) : DEBIAN_MODEL;
        Model m = new Model(dir.resolve("en-us"), dir.resolve("en-us.lm.bin"), dir.resolve("cmudict-en-us.dict"));
        for (Path p : new Path[] {m.hmm().resolve("mdef"), m.lm(), m.dict()}) {
            if (!Files.isRegularFile(p)) {
                throw new EngineUnavailableException("PocketSphinx has no English model: " + p + " is missing; "
                        + (configured != null ? "fix " + PocketSphinxSettings.MODEL + " or " : "") + INSTALL);
            }
        }
        return m;
    }

    /** The model's three parts. */
    record Model(Path hmm, Path lm, Path dict) {
    }
}
