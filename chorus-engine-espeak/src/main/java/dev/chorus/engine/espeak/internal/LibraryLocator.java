package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.EngineUnavailableException;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;

/** Finds libespeak-ng and its data, failing with a message that says what to install or set. */
final class LibraryLocator {

    static final Path DEBIAN_LIBRARY = Path.of("/usr/lib/x86_64-linux-gnu/libespeak-ng.so.1");
    private static final String LIBRARY_NAME = "libespeak-ng.so.1";
    private static final String INSTALL = "install the Debian packages libespeak-ng1 espeak-ng-data "
            + "(apt-get install libespeak-ng1 espeak-ng-data)";

    private LibraryLocator() {
    }

    /**
     * Returns the library file: the configured one, else the Debian path, else the one the dynamic loader finds.
     *
     * @throws EngineUnavailableException if there is none
     */
    @SuppressWarnings("restricted")
    static Path library(String configured) {
        if (configured != null) {
            Path path = Path.of(configured);
            if (!Files.isRegularFile(path)) {
                throw new EngineUnavailableException("eSpeak NG is not available: " + EspeakSettings.LIBRARY + ": "
                        + path + " does not exist; " + INSTALL + " or fix the setting");
            }
            return path;
        }
        if (Files.isRegularFile(DEBIAN_LIBRARY)) {
            return DEBIAN_LIBRARY;
        }
        try (Arena arena = Arena.ofConfined()) {
            // A private copy needs a file, so ask the loader where its match lives.
            SymbolLookup lookup = SymbolLookup.libraryLookup(LIBRARY_NAME, arena);
            return lookup.find("espeak_Info").flatMap(NativeLibc::fileContaining).orElseThrow(() -> missing(null));
        } catch (IllegalArgumentException e) {
            throw missing(e);
        }
    }

    /**
     * Returns the configured data directory as eSpeak wants it, or {@code null} for the library's default.
     *
     * @throws EngineUnavailableException if the configured directory holds no eSpeak NG data
     */
    static String data(String configured) {
        if (configured == null) {
            return null;
        }
        Path path = Path.of(configured);
        if (Files.isRegularFile(path.resolve("phontab"))
                || Files.isRegularFile(path.resolve("espeak-ng-data").resolve("phontab"))) {
            return path.toString();
        }
        throw new EngineUnavailableException("eSpeak NG is not available: " + EspeakSettings.DATA + ": " + path
                + " holds no eSpeak NG data (no phontab); install the Debian package espeak-ng-data or point the "
                + "setting at its espeak-ng-data directory");
    }

    private static EngineUnavailableException missing(Throwable cause) {
        return new EngineUnavailableException("eSpeak NG is not installed: " + LIBRARY_NAME + " is neither at "
                + DEBIAN_LIBRARY + " nor on the library search path; " + INSTALL + " or set "
                + EspeakSettings.LIBRARY, cause);
    }
}
