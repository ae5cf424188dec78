package dev.chorus.engine.hmm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Extracts the bundled jars into {@code <root>/<hash>/}, where the hash is that of the bundle's index: a new
 * bundle gets a new folder and an unchanged one is extracted once.
 *
 * <p>Safe for several processes at once: each writes and checks a private temporary folder, then renames it into
 * place in one atomic step. The first rename wins; a loser finds the complete folder and discards its own copy.
 * A folder therefore exists only once complete.
 */
final class LibraryCache {

    /** Opens one bundled file by name. */
    @FunctionalInterface
    interface Source {
        InputStream open(String name) throws IOException;
    }

    private final Path root;

    LibraryCache(Path root) {
        this.root = root;
    }

    /** Returns {@code $XDG_CACHE_HOME/chorus/hmm-lib}, or {@code ~/.cache/chorus/hmm-lib} without it. */
    static Path defaultRoot() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("chorus").resolve("hmm-lib");
    }

    /**
     * Returns the folder holding every jar of {@code source}'s index, extracting them first if no complete copy
     * exists.
     *
     * @throws IOException if the bundle cannot be read, a jar does not match its hash, or the folder cannot be
     *                     written
     */
    Path extract(Source source) throws IOException {
        LibraryIndex index;
        try (InputStream in = source.open(LibraryIndex.FILE)) {
            index = LibraryIndex.parse(in.readAllBytes());
        }
        Path target = root.resolve(HexFormat.of().formatHex(sha256().digest(index.bytes()), 0, 8));
        if (isComplete(target, index)) {
            return target;
        }
        Files.createDirectories(root);
        Path staging = Files.createTempDirectory(root, target.getFileName() + ".tmp-");
        try {
            for (LibraryIndex.Entry entry : index.entries()) {
                copyChecked(source, entry, staging.resolve(entry.name()));
            }
            Files.write(staging.resolve(LibraryIndex.FILE), index.bytes());
            publish(staging, target, index);
        } finally {
            deleteTree(staging);
        }
        return target;
    }

    private void publish(Path staging, Path target, LibraryIndex index) throws IOException {
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
            return;
        } catch (FileSystemException e) {
            if (isComplete(target, index)) {
                return; // another process got there first
            }
        }
        // A damaged copy (files deleted by hand): set it aside atomically, then retry once.
        Path aside = Files.createTempDirectory(root, target.getFileName() + ".old-");
        Files.move(target, aside.resolve("old"), StandardCopyOption.ATOMIC_MOVE);
        deleteTree(aside);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
    }

    private static boolean isComplete(Path folder, LibraryIndex index) {
        if (!Files.isRegularFile(folder.resolve(LibraryIndex.FILE))) {
            return false;
        }
        for (LibraryIndex.Entry entry : index.entries()) {
            if (!Files.isRegularFile(folder.resolve(entry.name()))) {
                return false;
            }
        }
        return true;
    }

    private static void copyChecked(Source source, LibraryIndex.Entry entry, Path file) throws IOException {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(source.open(entry.name()), digest);
             OutputStream out = Files.newOutputStream(file)) {
            in.transferTo(out);
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equals(entry.sha256())) {
            throw new IOException(entry.name() + " has SHA-256 " + actual + " (expected: " + entry.sha256() + ")");
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
