package dev.chorus.service.cache;

import dev.chorus.service.AudioOutput;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import dev.chorus.runtime.SentenceCache;
import dev.chorus.runtime.SynthesisHandle;
import dev.chorus.runtime.SynthesisSummary;
import dev.chorus.tts.ChorusException;
import dev.chorus.tts.SynthesisException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/**
 * The cache of finished responses' audio, and single flight for identical requests in progress. A request is
 * served in one of four ways, which the response header {@value #HEADER} names: {@code hit} (replayed from
 * memory or disk), {@code shared} (joined an identical synthesis in progress: what it made so far, then live),
 * {@code miss} (synthesized, and shared with identical requests that come meanwhile) or {@code bypass} (the
 * client asked for a fresh synthesis; it is neither looked up, shared nor stored).
 *
 * <p>Design: the memory tier is a Caffeine cache weighed in encoded bytes; the optional disk tier
 * ({@link DiskAudioCache}) is looked up on a memory miss and promotes what it finds. Syntheses in progress are
 * {@link SharedSynthesis}es in a concurrent map; the first request for a key puts one there and starts the
 * synthesis, the others join it. Only a synthesis that completed, whose encoded audio is no larger than the
 * largest entry, is stored; failed and cancelled ones are dropped with their recording.
 */
public final class AudioCache implements AutoCloseable {

    /** The response header that says how a request was served. */
    public static final String HEADER = "x-chorus-cache";

    /** Rough memory cost of one recorded call beyond the bytes it carries. */
    private static final int CALL_OVERHEAD = 48;

    /** How a request was served. */
    public enum Outcome {
        HIT, MISS, SHARED, BYPASS;

        /** Returns the header value. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final boolean enabled;
    private final long maxEntryBytes;
    private final Cache<AudioCacheKey, CachedAudio> memory;
    private final DiskAudioCache disk;
    private final ConcurrentMap<AudioCacheKey, SharedSynthesis> inFlight = new ConcurrentHashMap<>();
    private final LongAdder memoryHits = new LongAdder();
    private final LongAdder memoryMisses = new LongAdder();
    private final LongAdder shared = new LongAdder();
    private final LongAdder bypassed = new LongAdder();

    /**
     * What a cache holds.
     *
     * @param enabled       false for a cache that only passes requests through
     * @param maxBytes      the memory tier's bound, in encoded bytes plus overhead
     * @param maxEntryBytes the largest response stored (and shared with late joiners)
     * @param diskPath      the disk tier's directory, or {@code null} for none
     * @param diskMaxBytes  the disk tier's bound
     */
    public record Settings(boolean enabled, long maxBytes, long maxEntryBytes, java.nio.file.Path diskPath,
                           long diskMaxBytes) {
    }

    private AudioCache(Settings config) {
        this.enabled = config.enabled();
        this.maxEntryBytes = config.maxEntryBytes();
        this.memory = Caffeine.newBuilder()
                .maximumWeight(config.maxBytes())
                .executor(Runnable::run) // Evict on the writing thread, so the bound holds when put returns.
                // Encoded bytes count twice: the recorded calls, and the joined body raw hits are written from.
                .weigher((AudioCacheKey k, CachedAudio a) -> (int) Math.min(Integer.MAX_VALUE,
                        2 * a.bytes() + (long) a.calls().size() * CALL_OVERHEAD + 2L * k.input().length()))
                .recordStats()
                .build();
        this.disk = enabled && config.diskPath() != null
                ? DiskAudioCache.open(config.diskPath(), config.diskMaxBytes()) : null;
    }

    /** Returns the cache {@code config} describes (one that only passes requests through when it is off). */
    public static AudioCache create(Settings config) {
        return new AudioCache(config);
    }

    /** Returns whether a {@code Cache-Control} value ({@code null} when absent) asks for a fresh synthesis. */
    public static boolean bypassRequested(String cc) {
        if (cc == null) {
            return false;
        }
        String v = cc.toLowerCase(Locale.ROOT);
        return v.contains("no-cache") || v.contains("no-store");
    }

    /**
     * Sends the audio for the key {@code keyOf} makes (only when needed) to {@code out}: replayed when cached,
     * joined when an identical synthesis is in progress, else started with {@code start} (given the output to
     * synthesize into). {@code outcome} hears how, before anything reaches {@code out}. Returns a handle whose {@code cancel} stops this request's share
     * of the work (the synthesis itself stops when no request is left on it).
     *
     * @throws RuntimeException what {@code start} throws when the synthesis cannot start
     */
    public SynthesisHandle serve(Supplier<AudioCacheKey> keyOf, boolean bypass, AudioOutput out,
                          Consumer<Outcome> outcome,
                          Function<AudioOutput, SynthesisHandle> start) {
        if (!enabled) {
            return start.apply(out);
        }
        if (bypass) {
            bypassed.increment();
            outcome.accept(Outcome.BYPASS);
            return start.apply(out);
        }
        AudioCacheKey key = keyOf.get();
        while (true) {
            CachedAudio hit = lookup(key);
            if (hit != null) {
                return replay(hit, out, outcome);
            }
            SharedSynthesis mine = new SharedSynthesis(maxEntryBytes, s -> ended(key, s));
            SharedSynthesis running = inFlight.putIfAbsent(key, mine);
            if (running != null) {
                outcome.accept(Outcome.SHARED);
                SynthesisHandle joined = running.join(out);
                if (joined != null) {
                    shared.increment();
                    return joined;
                }
                inFlight.remove(key, running); // Abandoned or too long to replay: start afresh.
                continue;
            }
            outcome.accept(Outcome.MISS);
            SynthesisHandle subscription = mine.join(out);
            SynthesisHandle handle;
            try {
                handle = start.apply(mine);
            } catch (RuntimeException e) {
                subscription.cancel();
                mine.failToStart(e instanceof ChorusException c ? c
                        : new SynthesisException("synthesis could not start: " + e.getMessage(), e));
                inFlight.remove(key, mine);
                throw e;
            }
            mine.attach(handle);
            return subscription;
        }
    }

    /**
     * Returns the memory tier's entry for {@code key}, held so that it can be replayed with {@link #replay(Pin,
     * AudioOutput, Consumer)} even if it is evicted meanwhile; {@code null} when the memory tier does not hold it
     * (the disk tier is not looked at, nor is anything counted).
     */
    public Pin pin(AudioCacheKey key) {
        if (!enabled) {
            return null;
        }
        CachedAudio a = memory.getIfPresent(key);
        return a == null ? null : new Pin(key, a);
    }

    /**
     * Replays a pinned memory entry to {@code out}, counted and told to {@code outcome} as the hit that
     * {@link #serve} would have found.
     */
    public SynthesisHandle replay(Pin pin, AudioOutput out, Consumer<Outcome> outcome) {
        memoryHits.increment();
        return replay(pin.audio, out, outcome);
    }

    private static SynthesisHandle replay(CachedAudio hit, AudioOutput out, Consumer<Outcome> outcome) {
        outcome.accept(Outcome.HIT);
        try {
            hit.replay(out);
        } catch (RuntimeException clientGone) {
            // Nothing is running for it: there is nothing to stop.
        }
        return finished(hit);
    }

    /** An entry of the memory tier, held for one request (see {@link #pin}). */
    public static final class Pin {
        private final AudioCacheKey key;
        private final CachedAudio audio;

        private Pin(AudioCacheKey key, CachedAudio audio) {
            this.key = key;
            this.audio = audio;
        }

        /** Returns the key the entry is held under. */
        public AudioCacheKey key() {
            return key;
        }
    }

    private CachedAudio lookup(AudioCacheKey key) {
        CachedAudio a = memory.getIfPresent(key);
        if (a != null) {
            memoryHits.increment();
            return a;
        }
        memoryMisses.increment();
        if (disk != null) {
            a = disk.get(key);
            if (a != null) {
                memory.put(key, a);
            }
        }
        return a;
    }

    private void ended(AudioCacheKey key, SharedSynthesis s) {
        inFlight.remove(key, s);
        CachedAudio a = s.recording();
        if (a == null || a.bytes() > maxEntryBytes) {
            return;
        }
        memory.put(key, a);
        if (disk != null) {
            disk.put(key, a);
        }
    }

    private static SynthesisHandle finished(CachedAudio a) {
        SynthesisSummary summary = a.calls().getLast() instanceof CachedAudio.Call.Complete c ? c.summary() : null;
        CompletableFuture<SynthesisSummary> done = CompletableFuture.completedFuture(summary);
        return new SynthesisHandle() {
            @Override
            public void cancel() {
            }

            @Override
            public CompletableFuture<SynthesisSummary> completion() {
                return done;
            }
        };
    }

    /** Waits until entries on their way to the disk tier are written. */
    public void flush() {
        if (disk != null) {
            disk.flush();
        }
    }

    /**
     * Registers the cache meters: {@code chorus.cache.requests} (by level, tier and result),
     * {@code chorus.cache.shared}, {@code chorus.cache.bypassed}, {@code chorus.cache.evictions},
     * {@code chorus.cache.bytes} and {@code chorus.cache.entries} (by level and tier), for this cache and the
     * synthesizer's sentence cache.
     */
    public void bindTo(MeterRegistry registry, Optional<SentenceCache> sentences) {
        if (enabled) {
            requests(registry, "response", "memory", this, c -> c.memoryHits.sum(), c -> c.memoryMisses.sum());
            size(registry, "response", "memory", this, c -> c.memory.stats().evictionCount(),
                    c -> c.memory.policy().eviction().map(Policy.Eviction::weightedSize)
                            .map(w -> w.orElse(0L)).orElse(0L), c -> c.memory.estimatedSize());
            FunctionCounter.builder("chorus.cache.shared", this, c -> c.shared.sum())
                    .description("Requests that joined an identical synthesis in progress").register(registry);
            FunctionCounter.builder("chorus.cache.bypassed", this, c -> c.bypassed.sum())
                    .description("Requests that asked not to use the cache").register(registry);
            if (disk != null) {
                requests(registry, "response", "disk", disk, DiskAudioCache::hits, DiskAudioCache::misses);
                size(registry, "response", "disk", disk, DiskAudioCache::evictions, DiskAudioCache::bytes,
                        DiskAudioCache::entries);
            }
        }
        sentences.ifPresent(s -> {
            requests(registry, "sentence", "memory", s, SentenceCache::hits, SentenceCache::misses);
            size(registry, "sentence", "memory", s, SentenceCache::evictions, SentenceCache::bytes,
                    SentenceCache::entries);
        });
    }

    private static <T> void requests(MeterRegistry r, String level, String tier, T obj, ToDoubleFunction<T> hits,
                                     ToDoubleFunction<T> misses) {
        Tags tags = Tags.of("level", level, "tier", tier);
        FunctionCounter.builder("chorus.cache.requests", obj, hits).tags(tags.and("result", "hit"))
                .description("Cache lookups, by level (response, sentence), tier and result").register(r);
        FunctionCounter.builder("chorus.cache.requests", obj, misses).tags(tags.and("result", "miss"))
                .description("Cache lookups, by level (response, sentence), tier and result").register(r);
    }

    private static <T> void size(MeterRegistry r, String level, String tier, T obj, ToDoubleFunction<T> evictions,
                                 ToDoubleFunction<T> bytes, ToDoubleFunction<T> entries) {
        Tags tags = Tags.of("level", level, "tier", tier);
        FunctionCounter.builder("chorus.cache.evictions", obj, evictions).tags(tags)
                .description("Entries removed to stay within the byte bound").register(r);
        Gauge.builder("chorus.cache.bytes", obj, bytes).tags(tags)
                .description("Bytes the cache holds").register(r);
        Gauge.builder("chorus.cache.entries", obj, entries).tags(tags)
                .description("Entries the cache holds").register(r);
    }

    /** Finishes writes to the disk tier. */
    @Override
    public void close() {
        if (disk != null) {
            disk.close();
        }
    }
}
