package dev.chorus.app;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A file written under a temporary name beside its target ({@code .NAME.PID.part}) and moved into place only when
 * it is complete, so the target is either the whole new file or untouched.
 *
 * <p>A failure deletes the part ({@link #close()}); so does an interrupted program (Ctrl-C, SIGTERM): one shutdown
 * hook deletes every part still open, since the writing thread's own cleanup never runs then. Errors name the
 * target, the path the user gave, never the temporary one.
 */
final class PartFile implements AutoCloseable {

    /** Parts not yet moved into place or deleted: what the shutdown hook removes. */
    private static final Set<Path> OPEN = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(PartFile::deleteOpenParts, "chorus-part-files"));
    }

    private final Path target;
    private final Path part;

    private PartFile(Path target) throws IOException {
        this.target = target;
        if (Files.isDirectory(target)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        // Not createTempFile: its owner-only permissions would stick to the output; this name honours the umask.
        this.part = target.toAbsolutePath().resolveSibling("." + target.getFileName() + "."
                + ProcessHandle.current().pid() + ".part");
        OPEN.add(part);
    }

    /** Starts a file that will become {@code target}. */
    static PartFile beside(Path target) throws IOException {
        return new PartFile(target);
    }

    /** Opens the part for writing. */
    OutputStream open() throws IOException {
        try {
            return Files.newOutputStream(part);
        } catch (IOException e) {
            throw named(e);
        }
    }

    /** Returns the temporary path, for writers that open it themselves. */
    Path part() {
        return part;
    }

    /** Returns the path the user gave. */
    Path target() {
        return target;
    }

    /** Moves the complete part into place, replacing what was there. */
    void commit() throws IOException {
        try {
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            OPEN.remove(part);
        } catch (IOException e) {
            throw named(e);
        }
    }

    /** Deletes the part unless it was moved into place. */
    @Override
    public void close() throws IOException {
        if (OPEN.remove(part)) {
            Files.deleteIfExists(part);
        }
    }

    /** Returns {@code e} as an error that names the target instead of the temporary file. */
    IOException named(IOException e) {
        if (!(e instanceof FileSystemException f) || !mentionsPart(f)) {
            return e;
        }
        String why = switch (f) {
            case NoSuchFileException n -> "no such directory: " + parentOf(target);
            case AccessDeniedException a -> "permission denied";
            default -> f.getReason() != null ? f.getReason() : f.getClass().getSimpleName();
        };
        return new IOException("cannot write " + target + ": " + why, e);
    }

    private boolean mentionsPart(FileSystemException f) {
        String p = part.toString();
        return p.equals(f.getFile()) || p.equals(f.getOtherFile())
                || (f.getMessage() != null && f.getMessage().contains(p));
    }

    private static String parentOf(Path target) {
        Path parent = target.getParent();
        return parent == null ? "." : parent.toString();
    }

    private static void deleteOpenParts() {
        for (Path p : OPEN) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException | RuntimeException e) {
                // The program is ending; nothing better to do with a part that cannot be deleted.
            }
        }
    }
}
