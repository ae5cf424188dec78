package dev.chorus.server.tenant;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;

import java.time.Duration;
import java.time.YearMonth;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A circuit breaker around the shared limit store (Redis), so that an outage costs requests microseconds, not the
 * store's timeouts: while the store does not answer, each call is answered at once by the outage policy
 * ({@link OnOutage}): fail-closed throws {@link LimitStoreUnavailableException} (the gate answers 503), fail-open
 * answers from a {@link LocalTenantLimits} in memory.
 *
 * <p>Design: CLOSED passes every call through and counts consecutive failures (timeouts, refused commands, a lost
 * connection); the {@code threshold}-th opens the breaker for {@code openFor}, during which no call reaches the
 * store. The first call after that is the one probe (HALF_OPEN: every other call is still answered by the policy);
 * its success closes the breaker, its failure opens it for another {@code openFor}. The state is one immutable
 * snapshot behind an atomic reference, changed by compare-and-set, so no call ever waits for another. Under
 * fail-open a monthly charge is checked against the last use the store reported plus what was charged since; that
 * owed use is added to the store when it answers again, and so is a charge of a tenant without a monthly limit
 * under either policy (there is nothing to refuse it for, and its use is not lost).
 */
final class LimitStoreBreaker implements TenantLimitStore {

    private static final System.Logger LOG = System.getLogger(LimitStoreBreaker.class.getName());

    /** The breaker's states, as the admin route and the gauge name them. */
    enum State { CLOSED, HALF_OPEN, OPEN }

    private record Snapshot(State state, long retryAt, long openedAt) {
    }

    private record QuotaKey(String tenant, YearMonth month) {
    }

    private static final Snapshot CLOSED = new Snapshot(State.CLOSED, 0, 0);

    private final TenantLimitStore remote;
    private final OnOutage onOutage;
    private final LongSupplier nanos;
    private final int threshold;
    private final long openNanos;
    private final LocalTenantLimits local;
    private final AtomicReference<Snapshot> snapshot = new AtomicReference<>(CLOSED);
    private final AtomicInteger failures = new AtomicInteger();
    private final LongAdder answeredLocally = new LongAdder();
    private final AtomicLong opened = new AtomicLong();
    private final Map<QuotaKey, Long> lastKnown = new ConcurrentHashMap<>();
    private final Map<QuotaKey, AtomicLong> owed = new ConcurrentHashMap<>();

    /**
     * Wraps {@code remote}: opens after {@code threshold} consecutive failures, for {@code openFor} each time;
     * {@code nanos} is a {@code System.nanoTime()}-like ticker.
     */
    LimitStoreBreaker(TenantLimitStore remote, OnOutage onOutage, int threshold, Duration openFor,
                      LongSupplier nanos) {
        this.remote = Objects.requireNonNull(remote, "remote");
        this.onOutage = Objects.requireNonNull(onOutage, "onOutage");
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: >= 1)");
        }
        if (openFor.isNegative() || openFor.isZero()) {
            throw new IllegalArgumentException("openFor: " + openFor + " (expected: > 0)");
        }
        this.threshold = threshold;
        this.openNanos = openFor.toNanos();
        this.nanos = nanos;
        this.local = new LocalTenantLimits(null, nanos);
    }

    @Override
    public WindowProbe tryRequest(String key, long perSecond) {
        return call(() -> remote.tryRequest(key, perSecond), () -> local.tryRequest(key, perSecond), false);
    }

    @Override
    public ConsumptionProbe tryConsume(String key, BucketConfiguration config, long tokens) {
        return call(() -> remote.tryConsume(key, config, tokens), () -> local.tryConsume(key, config, tokens), false);
    }

    @Override
    public void refund(String key, BucketConfiguration config, long tokens) {
        call(() -> {
            remote.refund(key, config, tokens);
            return null;
        }, () -> {
            local.refund(key, config, tokens);
            return null;
        }, false);
    }

    @Override
    public long chargeMonthly(String tenant, YearMonth month, long characters, long limit) {
        QuotaKey k = new QuotaKey(tenant, month);
        return call(() -> {
            long r = remote.chargeMonthly(tenant, month, characters, limit);
            lastKnown.put(k, r >= 0 ? r : -1 - r);
            return r;
        }, () -> chargeLocally(k, characters, limit), limit <= 0);
    }

    @Override
    public long monthlyUse(String tenant, YearMonth month) {
        QuotaKey k = new QuotaKey(tenant, month);
        return call(() -> {
            long r = remote.monthlyUse(tenant, month);
            lastKnown.put(k, r);
            return r + owedBy(k);
        }, () -> lastKnown.getOrDefault(k, 0L) + owedBy(k), true);
    }

    @Override
    public String describe() {
        return remote.describe() + "; while it does not answer: " + onOutage;
    }

    @Override
    public void close() {
        remote.close();
        local.close();
    }

    /** Returns the breaker's state now (an open breaker whose wait is over stays OPEN until a call probes). */
    State state() {
        return snapshot.get().state();
    }

    OnOutage onOutage() {
        return onOutage;
    }

    /** Returns the store's failures in a row (0 once it answers). */
    int consecutiveFailures() {
        return failures.get();
    }

    /** Returns how many times the breaker opened since start-up. */
    long timesOpened() {
        return opened.get();
    }

    /** Returns how many calls were answered from this process's limits because the store did not answer. */
    long answeredLocally() {
        return answeredLocally.sum();
    }

    /** Returns the characters charged while the store was away and not yet added to it. */
    long owedCharacters() {
        return owed.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private <T> T call(Supplier<T> remoteCall, Supplier<T> fallback, boolean alwaysFallBack) {
        Snapshot s = snapshot.get();
        boolean probe = false;
        if (s.state() == State.HALF_OPEN
                || s.state() == State.OPEN && (nanos.getAsLong() - s.retryAt() < 0
                || !snapshot.compareAndSet(s, new Snapshot(State.HALF_OPEN, s.retryAt(), s.openedAt())))) {
            return outage(fallback, null, alwaysFallBack);
        }
        if (s.state() == State.OPEN) {
            probe = true;
        }
        T r;
        try {
            r = remoteCall.get();
        } catch (RuntimeException e) {
            failed(probe, e);
            return outage(fallback, e, alwaysFallBack);
        }
        succeeded();
        return r;
    }

    private <T> T outage(Supplier<T> fallback, RuntimeException cause, boolean alwaysFallBack) {
        if (onOutage == OnOutage.FAIL_OPEN || alwaysFallBack) {
            answeredLocally.increment();
            return fallback.get();
        }
        Snapshot s = snapshot.get();
        long wait = s.state() == State.CLOSED ? 1 : s.retryAt() - nanos.getAsLong();
        throw new LimitStoreUnavailableException("the limit store does not answer"
                + (cause == null ? " (circuit open)" : ": " + cause.getMessage()), Math.max(1, wait), cause);
    }

    private void failed(boolean probe, RuntimeException e) {
        long now = nanos.getAsLong();
        if (probe) {
            failures.incrementAndGet();
            Snapshot s = snapshot.get();
            snapshot.set(new Snapshot(State.OPEN, now + openNanos, s.openedAt()));
            return;
        }
        int n = failures.incrementAndGet();
        Snapshot s = snapshot.get();
        if (n >= threshold && s.state() == State.CLOSED
                && snapshot.compareAndSet(s, new Snapshot(State.OPEN, now + openNanos, now))) {
            opened.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "tenants: the limit store failed {0} times in a row ({1}); {2} "
                    + "until it answers again (tried every {3} ms)", n, e.toString(),
                    onOutage == OnOutage.FAIL_OPEN ? "admitting requests against this process's limits (fail-open)"
                            : "refusing limited requests with 503 (fail-closed)", openNanos / 1_000_000);
        }
    }

    private void succeeded() {
        failures.set(0);
        Snapshot s = snapshot.get();
        if (s.state() != State.CLOSED && snapshot.compareAndSet(s, CLOSED)) {
            long settled = settleOwed();
            LOG.log(System.Logger.Level.INFO, "tenants: the limit store answers again after {0} ms; {1} calls were "
                    + "answered locally meanwhile since start-up; {2} characters of monthly use charged meanwhile "
                    + "were added to it", (nanos.getAsLong() - s.openedAt()) / 1_000_000, answeredLocally.sum(),
                    settled);
        }
    }

    private long chargeLocally(QuotaKey k, long characters, long limit) {
        long known = lastKnown.getOrDefault(k, 0L);
        AtomicLong o = owed.computeIfAbsent(k, x -> new AtomicLong());
        while (true) {
            long cur = o.get();
            if (limit > 0 && known + cur + characters > limit) {
                return -1 - (known + cur);
            }
            if (o.compareAndSet(cur, cur + characters)) {
                return known + cur + characters;
            }
        }
    }

    private long owedBy(QuotaKey k) {
        AtomicLong o = owed.get(k);
        return o == null ? 0 : o.get();
    }

    /** Adds the monthly use charged during the outage to the store; what fails stays owed for the next recovery. */
    private long settleOwed() {
        long settled = 0;
        for (Map.Entry<QuotaKey, AtomicLong> e : owed.entrySet()) {
            long n = e.getValue().getAndSet(0);
            if (n == 0) {
                continue;
            }
            QuotaKey k = e.getKey();
            try {
                lastKnown.put(k, remote.chargeMonthly(k.tenant(), k.month(), n, 0));
                settled += n;
            } catch (RuntimeException x) {
                e.getValue().addAndGet(n);
                LOG.log(System.Logger.Level.WARNING, "tenants: could not add {0} characters of monthly use of "
                        + "tenant ''{1}'' to the limit store ({2}); kept for the next attempt", n, k.tenant(), x);
                break;
            }
        }
        return settled;
    }
}
