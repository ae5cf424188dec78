package dev.chorus.audio.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A process-wide cache of {@link FilterBank}s keyed by reduced rate ratio.
 *
 * <p>Designing a table takes a few milliseconds and tens to hundreds of kilobytes, and a server converts between
 * a handful of rate pairs, so tables are built once and shared; the map's {@code computeIfAbsent} makes
 * concurrent first requests build a table once. Unusual pairs beyond {@link #MAX_ENTRIES} are designed per
 * stream instead of cached, which bounds memory when callers use many odd rates.
 */
public final class FilterBanks {

    static final int MAX_ENTRIES = 64;

    private record Ratio(int up, int down) {
    }

    private static final Map<Ratio, FilterBank> CACHE = new ConcurrentHashMap<>();

    private FilterBanks() {
    }

    /** Returns the table converting {@code inputRate} to {@code outputRate}, from the cache when possible. */
    public static FilterBank forRates(int inputRate, int outputRate) {
        int gcd = FilterBank.gcd(inputRate, outputRate);
        Ratio key = new Ratio(outputRate / gcd, inputRate / gcd);
        FilterBank cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        if (CACHE.size() >= MAX_ENTRIES) {
            return FilterBank.design(inputRate, outputRate);
        }
        return CACHE.computeIfAbsent(key, r -> FilterBank.design(inputRate, outputRate));
    }
}
