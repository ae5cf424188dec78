package dev.chorus.engine.espeak.internal;

import dev.chorus.tts.ChorusException;
import dev.chorus.tts.EngineUnavailableException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads private copies of libespeak-ng, each under its own file name so the dynamic loader maps it afresh with
 * its own globals (loading the same path twice would share them). The copies live in a temporary directory only
 * while they load: a loaded library stays mapped after its file is deleted, so nothing is left behind even if the
 * JVM is killed.
 */
final class PrivateCopies {

    private static final System.Logger LOG = System.getLogger(PrivateCopies.class.getName());

    private PrivateCopies() {
    }

    /**
     * Loads {@code count} initialized copies of {@code library}.
     *
     * @throws EngineUnavailableException if a copy cannot be made, loaded or initialized
     */
    static List<EspeakInstance> load(Path library, String data, int count) {
        ElfImage elf = readElf(library);
        Path dir;
        try {
            dir = Files.createTempDirectory("chorus-espeak-");
        } catch (IOException e) {
            throw new EngineUnavailableException("eSpeak NG: cannot create a temporary directory for private "
                    + "copies of " + library + ": " + e.getMessage(), e);
        }
        List<EspeakInstance> loaded = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Path copy = dir.resolve("libespeak-ng-" + i + ".so");
                Files.copy(library, copy);
                try {
                    loaded.add(EspeakInstance.load(copy, library, elf, data));
                } finally {
                    Files.deleteIfExists(copy);
                }
            }
            return List.copyOf(loaded);
        } catch (IOException | ChorusException e) {
            loaded.forEach(EspeakInstance::close);
            if (e instanceof ChorusException c) {
                throw c;
            }
            throw new EngineUnavailableException("eSpeak NG: cannot copy " + library + " to " + dir + ": "
                    + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(dir);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete {0}: {1}", dir, e.getMessage());
            }
        }
    }

    private static ElfImage readElf(Path library) {
        try {
            return ElfImage.read(library);
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot read the ELF headers of {0}: {1}", library, e.getMessage());
            return null;
        }
    }
}
