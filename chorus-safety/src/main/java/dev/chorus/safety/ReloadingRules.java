package dev.chorus.safety;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The rules of a file, reloaded when the file changes. {@link #current()} looks at the file's modification time
 * and size at most once per check interval and recompiles it when either changed; a file that no longer parses
 * (or cannot be read) keeps the previous rules in force and logs why. The first load must succeed.
 *
 * <p>Thread-safe: readers see the last compiled set through a volatile field; one caller at a time checks the
 * file (others keep using the current set meanwhile), so a reload never blocks more than the request doing it.
 */
public final class ReloadingRules {

    private static final System.Logger LOG = System.getLogger(ReloadingRules.class.getName());

    private final Path file;
    private final long intervalNanos;
    private final LongSupplier ticker;
    private final Object checkLock = new Object();
    private volatile RuleSet current;
    private volatile long nextCheck;
    private volatile String lastError;
    private long stamp;
    private long size;

    private ReloadingRules(Path file, Duration interval, LongSupplier ticker) {
        this.file = file;
        this.intervalNanos = interval.toNanos();
        this.ticker = ticker;
    }

    /**
     * Loads {@code file} and returns rules that follow its changes, checked at most once per {@code interval}.
     *
     * @throws IllegalArgumentException naming the file when it cannot be read or parsed
     */
    public static ReloadingRules open(Path file, Duration interval) {
        return open(file, interval, System::nanoTime);
    }

    /** As {@link #open(Path, Duration)}, with the clock that times the checks. */
    public static ReloadingRules open(Path file, Duration interval, LongSupplier ticker) {
        Objects.requireNonNull(file, "file");
        if (interval.isNegative()) {
            throw new IllegalArgumentException("interval: " + interval + " (expected: >= 0)");
        }
        ReloadingRules r = new ReloadingRules(file, interval, ticker);
        try {
            r.load();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read the rules file (" + e + ")");
        }
        r.nextCheck = ticker.getAsLong() + r.intervalNanos;
        return r;
    }

    /** Returns the rules in force, reloading the file first if it is time to check and it changed. */
    public RuleSet current() {
        if (ticker.getAsLong() - nextCheck >= 0) {
            check();
        }
        return current;
    }

    /** Returns the file the rules come from. */
    public Path file() {
        return file;
    }

    /** Returns why the last reload failed, or null when the rules in force are the file's current content. */
    public String lastError() {
        return lastError;
    }

    private void check() {
        synchronized (checkLock) {
            if (ticker.getAsLong() - nextCheck < 0) {
                return; // Another caller just checked.
            }
            try {
                BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
                if (a.lastModifiedTime().toMillis() != stamp || a.size() != size) {
                    load();
                    LOG.log(System.Logger.Level.INFO, "content rules reloaded from {0}: {1} rules", file,
                            current.rules().size());
                }
            } catch (IOException | IllegalArgumentException e) {
                String message = e instanceof IOException ? file + ": cannot read the rules file (" + e + ")"
                        : e.getMessage();
                if (!message.equals(lastError)) {
                    LOG.log(System.Logger.Level.ERROR, "content rules not reloaded, the previous rules stay in force: "
                            + message);
                }
                lastError = message;
            } finally {
                nextCheck = ticker.getAsLong() + intervalNanos;
            }
        }
    }

    private void load() throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
        long newStamp = a.lastModifiedTime().toMillis();
        long newSize = a.size();
        String yaml = Files.readString(file, StandardCharsets.UTF_8);
        try {
            current = RulesFile.parse(yaml, file.toString());
            lastError = null;
        } finally {
            // A broken file is not re-read until it changes again.
            stamp = newStamp;
            size = newSize;
        }
    }
}
