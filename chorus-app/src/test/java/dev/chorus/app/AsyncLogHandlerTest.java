package dev.chorus.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class AsyncLogHandlerTest {

    /** Keeps what reaches the console, and how often it was flushed; can be made slow. */
    static final class Console extends Handler {
        final List<String> lines = new ArrayList<>();
        final AtomicInteger flushes = new AtomicInteger();
        volatile long delayNanos;

        @Override
        public synchronized void publish(LogRecord r) {
            lines.add(r.getMessage());
            if (delayNanos > 0) {
                long end = System.nanoTime() + delayNanos;
                while (System.nanoTime() < end) {
                    Thread.onSpinWait();
                }
            }
        }

        @Override
        public void flush() {
            flushes.incrementAndGet();
        }

        @Override
        public void close() {
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }
    }

    @Test
    void everyLineFromManyThreadsArrivesInEachThreadsOrderEvenPastTheQueuesCapacity() throws Exception {
        Console console = new Console();
        console.delayNanos = 2_000; // slower than the loggers: the queue fills and they must wait, not drop
        AsyncLogHandler h = new AsyncLogHandler(console);
        int threads = 4;
        int each = 10_000;
        List<Thread> loggers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            loggers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < each; i++) {
                    h.publish(new LogRecord(Level.INFO, id + ":" + i));
                }
            }));
        }
        for (Thread t : loggers) {
            t.join();
        }
        h.flush();
        List<String> lines = console.lines();
        assertThat(lines).hasSize(threads * each);
        int[] next = new int[threads];
        for (String l : lines) {
            int t = Integer.parseInt(l.substring(0, l.indexOf(':')));
            assertThat(Integer.parseInt(l.substring(l.indexOf(':') + 1))).isEqualTo(next[t]++);
        }
        h.close();
    }

    @Test
    void aBurstIsWrittenInBatchesNotALineAtATime() throws Exception {
        Console console = new Console();
        AsyncLogHandler h = new AsyncLogHandler(console);
        int lines = 20_000;
        for (int i = 0; i < lines; i++) {
            h.publish(new LogRecord(Level.INFO, "line " + i));
            if (i % 100 == 0) {
                Thread.sleep(0, 200_000);
            }
        }
        h.flush();
        assertThat(console.lines()).hasSize(lines);
        assertThat(console.flushes.get()).as("console flushes for %d lines", lines).isLessThan(lines / 20);
        h.close();
    }

    @Test
    void aLineOnAQuietServerIsWrittenAtOnceWithoutAFlush() throws Exception {
        Console console = new Console();
        AsyncLogHandler h = new AsyncLogHandler(console);
        for (int round = 0; round < 3; round++) {
            Thread.sleep(50); // the writer has gone to sleep
            h.publish(new LogRecord(Level.INFO, "quiet " + round));
            long start = System.nanoTime();
            while (console.lines().size() < round + 1 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(2)) {
                Thread.sleep(1);
            }
            assertThat(console.lines()).as("written without waiting for a flush").hasSize(round + 1);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(500);
        }
        h.close();
    }

    @Test
    void aLineNamesTheThreadThatLoggedItNotTheWriter() throws Exception {
        List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler json = new Handler() {
            @Override
            public void publish(LogRecord r) {
                out.add(getFormatter().format(r));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        json.setFormatter(dev.chorus.server.LogFormats.forName("json"));
        AsyncLogHandler h = new AsyncLogHandler(json);
        Thread t = Thread.ofPlatform().name("request-thread-7").start(
                () -> h.publish(new LogRecord(Level.INFO, "from a request")));
        t.join();
        h.publish(new LogRecord(Level.INFO, "from the test"));
        h.flush();
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).contains("\"thread\":\"request-thread-7\"");
        assertThat(out.get(1)).contains("\"thread\":\"" + Thread.currentThread().getName() + "\"");
        h.close();
    }

    @Test
    void nothingIsWrittenAfterClose() {
        Console console = new Console();
        AsyncLogHandler h = new AsyncLogHandler(console);
        h.publish(new LogRecord(Level.INFO, "before"));
        h.close();
        h.publish(new LogRecord(Level.INFO, "after"));
        assertThat(console.lines()).containsExactly("before");
    }
}
