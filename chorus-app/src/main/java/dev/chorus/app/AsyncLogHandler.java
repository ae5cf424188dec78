package dev.chorus.app;

import dev.chorus.server.LogFormats;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * source, and the name of the thread that logged it, which travels with the record
 * ({@link LogFormats#loggedOn}).
 *
 * <p>The writer works in batches: it takes every queued record, writes them, flushes the console once, and then
 * waits {@value #LINGER_MILLIS} ms for more before it goes to sleep. Only a record that finds the writer asleep
 * wakes it, so under load (an access line per request) a request costs no thread wake-up and the console one write
 * per batch, while on a quiet server a line is written as soon as it is logged.
 */
final class AsyncLogHandler extends Handler {

    private static final int CAPACITY = 16_384;
    static final long LINGER_MILLIS = 2;
    private static final long LINGER_NANOS = TimeUnit.MILLISECONDS.toNanos(LINGER_MILLIS);

    private final Handler delegate;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Object idle = new Object();
    private final Thread writer;
    /** The writer is asleep (or about to be) and must be woken for a new record. */
    private volatile boolean asleep;
    /** The writer holds records it has taken from the queue and not yet flushed. */
    private volatile boolean busy;
    private volatile boolean closed;

    AsyncLogHandler(Handler delegate) {
        this.delegate = delegate;
        setLevel(Level.ALL);
        writer = Thread.ofPlatform().daemon().name("chorus-log-writer").start(this::write);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(this::flush));
    }

    @Override
    public void publish(LogRecord record) {
        if (closed || !isLoggable(record) || !delegate.isLoggable(record)) {
            return;
        }
        Pending p = new Pending(record, Thread.currentThread().getName());
        if (!queue.offer(p)) {
            wake();
            try {
                queue.put(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                delegate.publish(record); // Not lost: written on this thread instead.
                return;
            }
        }
        if (asleep) {
            wake();
        }
    }

    /** A record and the name of the thread that logged it (the formats name it; the record has only its id). */
    private record Pending(LogRecord record, String thread) {
    }

    private void wake() {
        asleep = false;
        LockSupport.unpark(writer);
    }

    private void write() {
        List<Pending> batch = new ArrayList<>();
        while (!Thread.currentThread().isInterrupted()) {
            busy = true;
            queue.drainTo(batch);
            boolean wrote = !batch.isEmpty();
            if (wrote) {
                for (Pending p : batch) {
                    try {
                        LogFormats.loggedOn(p.thread());
                        delegate.publish(p.record());
                    } catch (RuntimeException e) {
                        reportError("log writer failed", e, ErrorManager.WRITE_FAILURE);
                    }
                }
                batch.clear();
                try {
                    delegate.flush();
                } catch (RuntimeException e) {
                    reportError("log writer failed", e, ErrorManager.FLUSH_FAILURE);
                }
            }
            busy = false;
            if (queue.isEmpty()) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
            if (wrote) {
                // Let more records gather, unwoken, before the next write.
                LockSupport.parkNanos(LINGER_NANOS);
                continue;
            }
            // Nothing came while lingering: sleep until a record wakes the writer.
            asleep = true;
            if (queue.isEmpty()) { // A record offered before the flag was set has not woken the writer.
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));
            }
            asleep = false;
        }
    }

    /** Waits (at most a second) until every queued record is written, then flushes the console. */
    @Override
    public void flush() {
        long end = System.nanoTime() + 1_000_000_000L;
        LockSupport.unpark(writer);
        synchronized (idle) {
            while ((!queue.isEmpty() || busy) && System.nanoTime() < end) {
                try {
                    idle.wait(5);
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
        writer.interrupt();
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
