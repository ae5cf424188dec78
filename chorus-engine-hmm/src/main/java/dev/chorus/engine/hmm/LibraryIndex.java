package dev.chorus.engine.hmm;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bundle's {@value #FILE}: one line {@code <sha-256 hex>  <file name>} per jar, in load order, as written by
 * the chorus-engine-hmm-bridge build.
 *
 * @param bytes   the file's exact bytes, whose hash names the extraction folder
 * @param entries the jars it lists
 */
record LibraryIndex(byte[] bytes, List<Entry> entries) {

    static final String FILE = "index.txt";

    /** One jar: its expected SHA-256 (lower-case hex) and its plain file name. */
    record Entry(String sha256, String name) {
    }

    LibraryIndex {
        entries = List.copyOf(entries);
    }

    /**
     * Parses an index.
     *
     * @throws IllegalArgumentException if a line is malformed or names anything but a plain {@code .jar} file
     */
    static LibraryIndex parse(byte[] bytes) {
        List<Entry> entries = new ArrayList<>();
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] parts = line.trim().split("\\s+\\*?", 2);
            if (parts.length != 2 || !parts[0].matches("[0-9a-fA-F]{64}") || !isPlainJarName(parts[1])) {
                throw new IllegalArgumentException("index line: '" + line + "' (expected: <sha-256>  <name>.jar)");
            }
            entries.add(new Entry(parts[0].toLowerCase(java.util.Locale.ROOT), parts[1]));
        }
        return new LibraryIndex(bytes.clone(), entries);
    }

    private static boolean isPlainJarName(String name) {
        return name.endsWith(".jar") && !name.contains("/") && !name.contains("\\") && !name.startsWith(".");
    }
}
