package dev.chorus.engine.hmm;

import dev.chorus.tts.EngineUnavailableException;
import dev.chorus.tts.spi.EngineContext;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The folder of jars MaryTTS runs from, and the jars in load order.
 *
 * @param folder the folder
 * @param jars   the jars to load, in order
 * @param origin where the folder came from, for messages
 */
record HmmLibrary(Path folder, List<Path> jars, String origin) {

    /** Engine setting naming a folder of MaryTTS jars to use instead of the bundled ones. */
    static final String SETTING = "hmm.lib.dir";
    /** System property with the same meaning, for when the engine is opened without that setting. */
    static final String PROPERTY = "chorus.hmm.lib.dir";
    /** Where the engine jar carries the bundled jars and their {@value LibraryIndex#FILE}. */
    static final String RESOURCE_FOLDER = "META-INF/chorus/hmm-lib/";

    HmmLibrary {
        jars = List.copyOf(jars);
    }

    /**
     * Finds the jars: the folder named by the setting or the system property, else the bundled jars, used in
     * place when they are plain files and extracted to the user's cache folder when they are inside a jar.
     *
     * @throws EngineUnavailableException naming the setting and the path when the jars cannot be read
     */
    static HmmLibrary locate(EngineContext context) {
        String setting = context.setting(SETTING, null);
        if (setting != null && !setting.isBlank()) {
            return fromFolder(setting, "setting " + SETTING);
        }
        String property = System.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return fromFolder(property, "system property " + PROPERTY);
        }
        URL index = HmmLibrary.class.getResource("/" + RESOURCE_FOLDER + LibraryIndex.FILE);
        if (index == null) {
            throw new EngineUnavailableException("hmm: the engine jar carries no MaryTTS jars (" + RESOURCE_FOLDER
                    + LibraryIndex.FILE + " is missing); set " + SETTING + " to a folder holding them");
        }
        if (index.getProtocol().equals("file")) {
            return fromFolder(folderOf(index), "bundled");
        }
        Path cache = LibraryCache.defaultRoot();
        Path extracted;
        try {
            extracted = new LibraryCache(cache).extract(HmmLibrary::openBundled);
        } catch (IOException | RuntimeException e) {
            throw new EngineUnavailableException("hmm: cannot extract the bundled MaryTTS jars to " + cache + ": "
                    + e.getMessage() + " (set " + SETTING + " to a folder holding them, or make " + cache
                    + " writable)", e);
        }
        return fromFolder(extracted, "extracted from the engine jar");
    }

    private static HmmLibrary fromFolder(String folder, String origin) {
        try {
            return fromFolder(Path.of(folder), origin);
        } catch (InvalidPathException e) {
            throw new EngineUnavailableException("hmm: MaryTTS jar folder '" + folder + "' (from " + origin
                    + ") is not a valid path: " + e.getMessage(), e);
        }
    }

    /**
     * Reads the jars of {@code folder}: those its {@value LibraryIndex#FILE} lists, in that order, or else every
     * {@code *.jar} in name order.
     */
    static HmmLibrary fromFolder(Path folder, String origin) {
        Path absolute = folder.toAbsolutePath().normalize();
        if (!Files.isDirectory(absolute) || !Files.isReadable(absolute)) {
            throw unavailable(absolute, origin, "is not a readable folder");
        }
        List<Path> jars = new ArrayList<>();
        try {
            Path index = absolute.resolve(LibraryIndex.FILE);
            if (Files.isRegularFile(index)) {
                for (LibraryIndex.Entry entry : LibraryIndex.parse(Files.readAllBytes(index)).entries()) {
                    jars.add(absolute.resolve(entry.name()));
                }
            } else {
                try (Stream<Path> files = Files.list(absolute)) {
                    files.filter(p -> p.getFileName().toString().endsWith(".jar")).sorted().forEach(jars::add);
                }
            }
        } catch (IOException | IllegalArgumentException e) {
            throw unavailable(absolute, origin, "cannot be read: " + e.getMessage());
        }
        for (Path jar : jars) {
            if (!Files.isRegularFile(jar) || !Files.isReadable(jar)) {
                throw unavailable(absolute, origin, "lacks the readable jar " + jar.getFileName());
            }
        }
        if (jars.isEmpty()) {
            throw unavailable(absolute, origin, "holds no jars");
        }
        return new HmmLibrary(absolute, jars, origin);
    }

    private static EngineUnavailableException unavailable(Path folder, String origin, String problem) {
        return new EngineUnavailableException("hmm: MaryTTS jar folder " + folder + " (from " + origin + ") "
                + problem + " (expected: the jars of chorus-engine-hmm-bridge/target/hmm-lib; set " + SETTING
                + " or the system property " + PROPERTY + " to such a folder)");
    }

    private static Path folderOf(URL index) {
        try {
            return Path.of(index.toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new EngineUnavailableException("hmm: cannot locate the bundled MaryTTS jars at " + index, e);
        }
    }

    private static InputStream openBundled(String name) throws IOException {
        InputStream in = HmmLibrary.class.getResourceAsStream("/" + RESOURCE_FOLDER + name);
        if (in == null) {
            throw new IOException("the engine jar lacks " + RESOURCE_FOLDER + name);
        }
        return in;
    }
}
