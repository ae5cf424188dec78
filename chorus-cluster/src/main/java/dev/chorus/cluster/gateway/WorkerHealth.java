package dev.chorus.cluster.gateway;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Outlier detection and slow start for one worker, as a gateway sees it through its own calls.
 *
 * <p>Ejection: {@link OutlierSettings#failures()} failed calls in a row (a call that fails in transport or with the
 * worker's own error; refusals of the request itself, overload and cancellations by the client do not count), each
 * within {@link OutlierSettings#window()} of the previous, eject the worker from routing for the ejection time. The
 * time doubles with each ejection that follows within {@link OutlierSettings#maxEjection()} of the end of the last
 * one, up to that maximum; a worker that stays admitted longer than the maximum starts again from the base time.
 * When the time is up the worker is probed back: it takes traffic again, but its next failure (before a success)
 * ejects it at once for the doubled time.
 *
 * <p>Slow start: a worker that joins (its first report, or its first after being down or ejected) and a worker
 * readmitted after an ejection get a share of the traffic that ramps linearly from {@link #MIN_SHARE} to all of it
 * over {@link OutlierSettings#slowStart()}. The gateway applies the share by leaving such a worker out of a
 * request's candidates with probability {@code 1 - share} (never leaving no candidate).
 *
 * <p>Thread-safe: every method holds this object's lock; they are short.
 */
final class WorkerHealth {

    /** The share of traffic a worker gets when its slow start begins. */
    static final double MIN_SHARE = 0.1;

    private final OutlierSettings settings;
    private final LongSupplier clock;
    private int streak;
    private long lastFailureNanos;
    private long ejectedUntilNanos;
    private boolean ejectedNow;
    private long lastEjectionEndNanos = Long.MIN_VALUE;
    private boolean probing;
    private int level;
    private long ejections;
    private long admittedNanos = Long.MIN_VALUE;

    WorkerHealth(OutlierSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** Records a call that completed; returns nothing. Ends a probe and the failure streak. */
    synchronized void succeeded() {
        expire(clock.getAsLong());
        streak = 0;
        probing = false;
    }

    /**
     * Records a failed call.
     *
     * @return the ejection time when this failure ejects the worker, else null
     */
    synchronized Duration failed() {
        long now = clock.getAsLong();
        expire(now);
        if (ejectedNow) {
            return null;
        }
        if (streak > 0 && now - lastFailureNanos > settings.window().toNanos()) {
            streak = 0;
        }
        streak++;
        lastFailureNanos = now;
        if (streak < settings.failures() && !probing) {
            return null;
        }
        if (lastEjectionEndNanos != Long.MIN_VALUE && now - lastEjectionEndNanos > settings.maxEjection().toNanos()) {
            level = 0;
        }
        long nanos = settings.ejection().toNanos() << Math.min(level, 20);
        nanos = Math.min(nanos, settings.maxEjection().toNanos());
        level++;
        ejections++;
        probing = false;
        ejectedNow = true;
        ejectedUntilNanos = now + nanos;
        return Duration.ofNanos(nanos);
    }

    /** Tells whether the worker is ejected now. */
    synchronized boolean ejected() {
        expire(clock.getAsLong());
        return ejectedNow;
    }

    /** Returns how long the worker stays ejected, zero when it is not. */
    synchronized Duration ejectedFor() {
        long now = clock.getAsLong();
        expire(now);
        return ejectedNow ? Duration.ofNanos(ejectedUntilNanos - now) : Duration.ZERO;
    }

    /** Tells whether the worker was readmitted after an ejection and has not completed a call since. */
    synchronized boolean probing() {
        expire(clock.getAsLong());
        return probing;
    }

    /** Returns the failed calls in a row counted now. */
    synchronized int streak() {
        return streak;
    }

    /** Returns how many times this worker was ejected for failed calls. */
    synchronized long ejections() {
        return ejections;
    }

    /** Starts a slow start now: the worker (re)joined. */
    synchronized void admitted() {
        admittedNanos = clock.getAsLong();
    }

    /** Returns the worker's share of traffic now, {@link #MIN_SHARE}..1 (1 outside a slow start). */
    synchronized double share() {
        long now = clock.getAsLong();
        expire(now);
        long window = settings.slowStart().toNanos();
        if (window == 0 || admittedNanos == Long.MIN_VALUE) {
            return 1;
        }
        double progress = (double) (now - admittedNanos) / window;
        return progress >= 1 ? 1 : MIN_SHARE + (1 - MIN_SHARE) * Math.max(0, progress);
    }

    /**
     * Tells whether a call's final status counts against the worker: it went away or failed on its own
     * ({@code UNAVAILABLE}, {@code UNKNOWN}, {@code INTERNAL}, {@code DATA_LOSS}, and {@code CANCELLED} when the
     * gateway did not cancel). Refusals of the request (invalid input, unknown voice or version), overload and
     * deadlines do not.
     */
    static boolean countsAsFailure(io.grpc.Status status) {
        return switch (status.getCode()) {
            case UNAVAILABLE, UNKNOWN, INTERNAL, DATA_LOSS, CANCELLED -> true;
            default -> false;
        };
    }

    /**
     * Returns {@code pool} without the workers a slow start leaves out this time: each stays with probability
     * {@code share}; when none would stay, the whole pool does.
     */
    static <T> java.util.List<T> thin(java.util.List<T> pool, java.util.function.ToDoubleFunction<T> share) {
        if (pool.size() < 2) {
            return pool;
        }
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        java.util.List<T> kept = new java.util.ArrayList<>(pool.size());
        boolean thinned = false;
        for (T t : pool) {
            double s = share.applyAsDouble(t);
            if (s >= 1 || random.nextDouble() < s) {
                kept.add(t);
            } else {
                thinned = true;
            }
        }
        return !thinned ? pool : kept.isEmpty() ? pool : kept;
    }

    /** Ends an ejection whose time is up: the worker is probed back under slow start. */
    private void expire(long now) {
        if (ejectedNow && now - ejectedUntilNanos >= 0) {
            ejectedNow = false;
            lastEjectionEndNanos = ejectedUntilNanos;
            admittedNanos = ejectedUntilNanos;
            streak = 0;
            probing = true;
        }
    }
}
