package dev.chorus.service.cache;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * The disk tier of the audio cache: one file per entry in a directory, named by the SHA-256 of the key, bounded in
 * bytes by removing the least recently used files. It survives a restart: on open, the files found are indexed
 * oldest first by modification time (which each hit refreshes). Files are written beside their final name and
 * renamed into place, so a reader never sees half a file; a damaged, cut-short or foreign file is deleted when it
 * is read, and counted as a miss. Files whose names are not entries' are neither read nor removed.
 *
 * <p>Design: an access-ordered map (under this object's monitor) is the LRU index; reads happen on the caller's
 * (blocking) thread, writes on one background thread so no request waits for the disk.
 */
final class DiskAudioCache implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DiskAudioCache.class.getName());
    private static final String SUFFIX = ".audio";
    /** The names entries get; other files in the directory are left alone. */
    private static final java.util.regex.Pattern ENTRY_NAME = java.util.regex.Pattern.compile("[0-9a-f]{64}\\.audio");

    private final Path dir;
    private final long maxBytes;
    private final Map<String, Long> index = new LinkedHashMap<>(16, 0.75f, true);
    private final ExecutorService writer = Executors.newSingleThreadExecutor(
            r -> Thread.ofPlatform().daemon().name("chorus-cache-disk").unstarted(r));
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private long bytes;

    private DiskAudioCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /**
     * Opens (creating it if needed) the cache directory and indexes the entries already there.
     *
     * @throws UncheckedIOException when the directory cannot be created or read
     */
    static DiskAudioCache open(Path dir, long maxBytes) {
        DiskAudioCache c = new DiskAudioCache(dir, maxBytes);
        try {
            Files.createDirectories(dir);
            List<Path> files;
            try (Stream<Path> s = Files.list(dir)) {
                files = s.filter(Files::isRegularFile).toList();
            }
            record Found(Path path, long size, FileTime time) {
            }
            List<Found> found = new java.util.ArrayList<>();
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".part") && ENTRY_NAME.matcher(name.substring(0, name.length() - 5)).matches()) {
                    Files.deleteIfExists(f); // Left by a write that a crash interrupted.
                } else if (ENTRY_NAME.matcher(name).matches()) {
                    found.add(new Found(f, Files.size(f), Files.getLastModifiedTime(f)));
                }
            }
            found.sort(Comparator.comparing(Found::time));
            synchronized (c) {
                for (Found f : found) {
                    c.index.put(f.path().getFileName().toString(), f.size());
                    c.bytes += f.size();
                }
                c.evict();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cache.disk.path: cannot use " + dir + ": " + e.getMessage(), e);
        }
        return c;
    }

    /** Returns the entry stored under {@code key}, or null. */
    CachedAudio get(AudioCacheKey key) {
        String canonical = key.canonical();
        String name = fileName(canonical);
        synchronized (this) {
            if (index.get(name) == null) {
                misses.increment();
                return null;
            }
        }
        Path file = dir.resolve(name);
        try {
            CachedAudio audio = CachedAudioCodec.decode(canonical, Files.readAllBytes(file));
            try {
                Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis()));
            } catch (IOException ignored) {
                // The order in memory is what counts while running; the file time only orders the next start.
            }
            hits.increment();
            return audio;
        } catch (java.nio.file.NoSuchFileException evictedMeanwhile) {
            remove(name);
            misses.increment();
            return null;
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "ignoring cache file {0}: {1}", file, e.getMessage());
            remove(name);
            misses.increment();
            return null;
        }
    }

    /** Stores {@code audio} under {@code key} in the background. */
    void put(AudioCacheKey key, CachedAudio audio) {
        if (audio.bytes() > maxBytes) {
            return;
        }
        try {
            writer.execute(() -> write(key, audio));
        } catch (RejectedExecutionException closed) {
            // Shutting down: the entry is simply not kept.
        }
    }

    private void write(AudioCacheKey key, CachedAudio audio) {
        String canonical = key.canonical();
        String name = fileName(canonical);
        Path file = dir.resolve(name);
        Path part = dir.resolve(name + ".part");
        try {
            byte[] data = CachedAudioCodec.encode(canonical, audio);
            Files.write(part, data);
            Files.move(part, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            synchronized (this) {
                Long old = index.put(name, (long) data.length);
                bytes += data.length - (old == null ? 0 : old);
                evict();
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot write cache file {0}: {1}", file, e.getMessage());
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // Deleted on the next start.
            }
        }
    }

    /** Removes least recently used files until the bound holds; called under the monitor. */
    private void evict() {
        Iterator<Map.Entry<String, Long>> it = index.entrySet().iterator();
        while (bytes > maxBytes && it.hasNext()) {
            Map.Entry<String, Long> oldest = it.next();
            it.remove();
            bytes -= oldest.getValue();
            evictions.increment();
            try {
                Files.deleteIfExists(dir.resolve(oldest.getKey()));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot delete cache file {0}: {1}", oldest.getKey(),
                        e.getMessage());
            }
        }
    }

    private synchronized void remove(String name) {
        Long size = index.remove(name);
        if (size != null) {
            bytes -= size;
        }
        try {
            Files.deleteIfExists(dir.resolve(name));
        } catch (IOException ignored) {
            // Tried again when it is next read or on the next start.
        }
    }

    /** Waits until the writes queued so far are done (for tests and shutdown). */
    void flush() {
        try {
            writer.submit(() -> { }).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.log(System.Logger.Level.DEBUG, "cache flush interrupted", e);
        }
    }

    long hits() {
        return hits.sum();
    }

    long misses() {
        return misses.sum();
    }

    long evictions() {
        return evictions.sum();
    }

    synchronized long bytes() {
        return bytes;
    }

    synchronized long entries() {
        return index.size();
    }

    /** Finishes the queued writes and stops the writer. */
    @Override
    public void close() {
        writer.shutdown();
        try {
            writer.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String fileName(String canonical) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8))) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
