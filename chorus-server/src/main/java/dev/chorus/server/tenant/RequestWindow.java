package dev.chorus.server.tenant;

/**
 * The hard requests-per-second ceiling of one tenant in this process, as a sliding window log: a request is
 * admitted only when fewer than the ceiling were admitted in the second before it, {@code (now - 1 s, now]}, so no
 * one-second window, wherever it starts, holds more admissions than the ceiling (a fixed window admits up to twice
 * the ceiling across its boundary).
 *
 * <p>Design: the times of the admissions still inside the window, oldest first, in a ring that grows up to the
 * ceiling; a request first drops the times that left the window from the front. One lock per window, held for a
 * few array reads; amortized O(1). The time comes from the caller (a {@code System.nanoTime()}-like ticker), so
 * tests drive it.
 */
final class RequestWindow {

    /** The length of the window, ns. */
    static final long WINDOW_NANOS = 1_000_000_000L;

    private final int ceiling;
    private long[] times;
    private int head;
    private int size;

    /** Creates an empty window of {@code ceiling} requests a second. */
    RequestWindow(long ceiling) {
        if (ceiling < 1 || ceiling > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("ceiling: " + ceiling + " (expected: 1 to " + (Integer.MAX_VALUE - 8)
                    + ")");
        }
        this.ceiling = (int) ceiling;
        this.times = new long[Math.min(this.ceiling, 16)];
    }

    /** Admits one request at {@code now} (ns) if the window has room, and says what is left or how long to wait. */
    synchronized TenantLimitStore.WindowProbe tryAcquire(long now) {
        while (size > 0 && now - times[head] >= WINDOW_NANOS) {
            head = (head + 1) % times.length;
            size--;
        }
        if (size >= ceiling) {
            return TenantLimitStore.WindowProbe.refused(times[head] + WINDOW_NANOS - now);
        }
        if (size == times.length) {
            grow();
        }
        times[(head + size) % times.length] = now;
        size++;
        return TenantLimitStore.WindowProbe.admitted(ceiling - size);
    }

    private void grow() {
        long[] bigger = new long[(int) Math.min(ceiling, 2L * times.length)];
        for (int i = 0; i < size; i++) {
            bigger[i] = times[(head + i) % times.length];
        }
        times = bigger;
        head = 0;
    }
}
