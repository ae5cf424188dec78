package dev.chorus.onnx.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The background thread that triggers scans: every interval, and sooner where the file system supports a
 * {@link WatchService} and a top-level directory changed (once writes have paused for the settle time, so a burst
 * of writes is one scan). Directories that appear later are watched from the next round.
 */
final class DirectoryWatcher implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(DirectoryWatcher.class.getName());

    private final List<Path> directories;
    private final Duration interval;
    private final Duration settle;
    private final Runnable scan;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean closed;

    DirectoryWatcher(List<Path> directories, Duration interval, Duration settle, String threadName, Runnable scan) {
        this.directories = directories;
        this.interval = interval;
        this.settle = settle;
        this.scan = scan;
        WatchService w = null;
        try {
            w = FileSystems.getDefault().newWatchService();
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(System.Logger.Level.DEBUG, "no WatchService; scanning every " + interval, e);
        }
        this.watcher = w;
        this.thread = Thread.ofPlatform().daemon().name(threadName).start(this::loop);
    }

    private void loop() {
        Set<Path> registered = new HashSet<>();
        while (!closed) {
            try {
                register(registered);
                if (watcher != null) {
                    WatchKey key = watcher.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
                    if (key != null) {
                        drain(key);
                        long pause = Math.min(interval.toMillis(), settle.toMillis());
                        WatchKey more;
                        while ((more = watcher.poll(pause, TimeUnit.MILLISECONDS)) != null) {
                            drain(more);
                        }
                    }
                } else {
                    Thread.sleep(interval.toMillis());
                }
                scan.run();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "scanning the voice directories failed", e);
            }
        }
    }

    private static void drain(WatchKey key) {
        key.pollEvents();
        key.reset();
    }

    private void register(Set<Path> registered) {
        if (watcher == null) {
            return;
        }
        for (Path dir : directories) {
            if (!registered.contains(dir) && Files.isDirectory(dir)) {
                try {
                    dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                            StandardWatchEventKinds.ENTRY_DELETE);
                } catch (IOException | UnsupportedOperationException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot watch " + dir + "; scanning it periodically", e);
                }
                registered.add(dir);
            }
        }
    }

    /** Stops the thread, waiting up to 30 s for a scan in progress. */
    @Override
    public void close() {
        closed = true;
        if (watcher != null) {
            try {
                watcher.close();
            } catch (IOException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the WatchService failed", e);
            }
        }
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
