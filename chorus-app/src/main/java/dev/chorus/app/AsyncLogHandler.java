package dev.chorus.app;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.logging.ErrorManager;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * Hands log records to another handler on a writer thread of its own, so a request thread never waits for the
 * console (or for the console handler's lock, which serialized every request's access-log line). The queue is
 * bounded; when it is full, the logging thread waits: a line is never dropped. Records are formatted on the
 * writer thread, which the formats allow: they read the record's time, level, logger and parameters, never its
 * calling thread or source.
 */
final class AsyncLogHandler extends Handler {

    private static final int CAPACITY = 16_384;

    private final Handler delegate;
    private final BlockingQueue<LogRecord> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Object idle = new Object();
    private volatile boolean closed;

    AsyncLogHandler(Handler delegate) {
        this.delegate = delegate;
        setLevel(Level.ALL);
        Thread.ofPlatform().daemon().name("chorus-log-writer").start(this::write);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(this::flush));
    }

    @Override
    public void publish(LogRecord record) {
        if (closed || !isLoggable(record) || !delegate.isLoggable(record)) {
            return;
        }
        try {
            queue.put(record);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            delegate.publish(record); // Not lost: written on this thread instead.
        }
    }

    private void write() {
        while (true) {
            try {
                LogRecord r = queue.take();
                delegate.publish(r);
                if (queue.isEmpty()) {
                    delegate.flush();
                    synchronized (idle) {
                        idle.notifyAll();
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                reportError("log writer failed", e, ErrorManager.WRITE_FAILURE);
            }
        }
    }

    /** Waits (at most a second) until every queued record is written, then flushes the console. */
    @Override
    public void flush() {
        long end = System.nanoTime() + 1_000_000_000L;
        synchronized (idle) {
            while (!queue.isEmpty() && System.nanoTime() < end) {
                try {
                    idle.wait(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        delegate.flush();
    }

    @Override
    public void close() {
        flush();
        closed = true;
        delegate.close();
    }

    @Override
    public void setFormatter(Formatter f) {
        delegate.setFormatter(f);
    }

    @Override
    public Formatter getFormatter() {
        return delegate.getFormatter();
    }
}
