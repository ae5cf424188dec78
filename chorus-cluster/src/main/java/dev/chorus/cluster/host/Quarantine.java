package dev.chorus.cluster.host;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * What the crash guard knows about inputs and voices that crashed engine hosts: strikes per input, the inputs and
 * voices refused for now, and their metrics.
 *
 * <p>Only a crash <em>identified</em> as an input's (the input ran alone on the host that died) is a strike: an
 * input with {@code maxCrashes} strikes is refused for {@code period}; a voice whose inputs caused
 * {@code voiceCrashes} identified crashes within {@code period} is refused as a whole for {@code period}. A
 * completed run clears its input's strikes. All state is guarded by this object's lock; memory is bounded by
 * {@link #MAX_TRACKED}.
 */
final class Quarantine {

    private static final System.Logger LOG = System.getLogger("dev.chorus.enginehost");
    /** Most inputs kept with strikes or in quarantine; beyond it the oldest knowledge is dropped. */
    static final int MAX_TRACKED = 10_000;

    private final Duration period;
    private final int maxCrashes;
    private final int voiceCrashes;
    private final LongSupplier ticker;
    private final Map<String, Integer> strikes = new HashMap<>();
    private final Map<String, Long> inputs = new HashMap<>();
    private final Map<String, Long> voices = new LinkedHashMap<>();
    private final Map<String, Deque<Long>> voiceHistory = new HashMap<>();
    private volatile Counter inputRefusals;
    private volatile Counter voiceRefusals;

    Quarantine(Duration period, int maxCrashes, int voiceCrashes, LongSupplier ticker) {
        if (period.isNegative() || period.isZero()) {
            throw new IllegalArgumentException("engines.quarantine: " + period + " (expected: > 0)");
        }
        if (maxCrashes < 1) {
            throw new IllegalArgumentException("maxCrashes: " + maxCrashes + " (expected: >= 1)");
        }
        if (voiceCrashes < 1) {
            throw new IllegalArgumentException("voiceCrashes: " + voiceCrashes + " (expected: >= 1)");
        }
        this.period = period;
        this.maxCrashes = maxCrashes;
        this.voiceCrashes = voiceCrashes;
        this.ticker = ticker;
    }

    int maxCrashes() {
        return maxCrashes;
    }

    Duration period() {
        return period;
    }

    void bindMetrics(MeterRegistry registry) {
        Gauge.builder("chorus.engine.quarantined.inputs", this, Quarantine::inputsNow)
                .description("inputs refused because they crashed engine hosts").register(registry);
        Gauge.builder("chorus.engine.quarantined.voices", this, q -> q.voicesNow().size())
                .description("voices refused because their inputs keep crashing engine hosts").register(registry);
        inputRefusals = Counter.builder("chorus.engine.quarantine.refusals").tag("reason", "input")
                .description("requests refused because their input or voice crashed engine hosts")
                .register(registry);
        voiceRefusals = Counter.builder("chorus.engine.quarantine.refusals").tag("reason", "voice")
                .description("requests refused because their input or voice crashed engine hosts")
                .register(registry);
    }

    /** Returns the nanoseconds the input stays refused, or 0 when it is not; counts a refusal. */
    synchronized long inputRefusedFor(String hash) {
        long left = left(inputs, hash);
        if (left > 0 && inputRefusals != null) {
            inputRefusals.increment();
        }
        return left;
    }

    /** Returns the nanoseconds the voice stays refused, or 0 when it is not; counts a refusal. */
    synchronized long voiceRefusedFor(String voice) {
        long left = left(voices, voice);
        if (left > 0 && voiceRefusals != null) {
            voiceRefusals.increment();
        }
        return left;
    }

    /** Returns whether the input is refused now. */
    synchronized boolean inputRefused(String hash) {
        return left(inputs, hash) > 0;
    }

    /** Counts a crash identified as {@code hash}'s, on {@code voice}; returns the input's strikes. */
    synchronized int strike(String hash, String voice, HostExit exit) {
        if (strikes.size() >= MAX_TRACKED) {
            strikes.clear();
        }
        int n = strikes.merge(hash, 1, Integer::sum);
        long now = ticker.getAsLong();
        if (n >= maxCrashes) {
            strikes.remove(hash);
            if (inputs.size() >= MAX_TRACKED) {
                inputs.values().removeIf(until -> until - now <= 0);
                if (inputs.size() >= MAX_TRACKED) {
                    inputs.clear();
                }
            }
            inputs.put(hash, now + period.toNanos());
            LOG.log(System.Logger.Level.WARNING, "input {0} crashed an engine host {1} times while it ran alone (the "
                    + "last: host {2}, {3}); refused with 422 for {4} s", hash.substring(0, 12), n, exit.host(),
                    exit.describe(), period.toSeconds());
        }
        if (voice != null) {
            if (voiceHistory.size() >= MAX_TRACKED) {
                voiceHistory.clear();
            }
            Deque<Long> times = voiceHistory.computeIfAbsent(voice, v -> new ArrayDeque<>());
            times.addLast(now);
            while (!times.isEmpty() && now - times.peekFirst() > period.toNanos()) {
                times.removeFirst();
            }
            if (times.size() >= voiceCrashes && left(voices, voice) == 0) {
                voices.put(voice, now + period.toNanos());
                times.clear();
                LOG.log(System.Logger.Level.WARNING, "voice {0} crashed engine hosts {1} times within {2} s; it is "
                        + "quarantined (refused with 503) for {2} s", voice, voiceCrashes, period.toSeconds());
            }
        }
        return n;
    }

    /** Forgets the strikes of an input that completed. */
    synchronized void cleared(String hash) {
        strikes.remove(hash);
    }

    synchronized int inputsNow() {
        long now = ticker.getAsLong();
        inputs.values().removeIf(until -> until - now <= 0);
        return inputs.size();
    }

    /** Returns the voices refused now, each with the nanoseconds left. */
    synchronized Map<String, Long> voicesNow() {
        long now = ticker.getAsLong();
        voices.values().removeIf(until -> until - now <= 0);
        Map<String, Long> left = new LinkedHashMap<>();
        voices.forEach((v, until) -> left.put(v, until - now));
        return left;
    }

    private long left(Map<String, Long> map, String key) {
        Long until = map.get(key);
        if (until == null) {
            return 0;
        }
        long left = until - ticker.getAsLong();
        if (left <= 0) {
            map.remove(key);
            return 0;
        }
        return left;
    }
}
