package dev.chorus.runtime;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import dev.chorus.tts.SynthesisOptions;
import dev.chorus.tts.spi.SynthesisEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps the audio of single sentences, so a sentence spoken again with the same voice, voice version, text (or
 * phonemes) and options is replayed instead of synthesized: greetings and prompts that recur inside different
 * texts cost the engine once.
 *
 * <p>Design: an entry is what one speech piece produced on its worker — its PCM at the voice's own rate, after
 * pitch and volume, and the engine's word and mark events — recorded only when the engine finished the piece. A
 * job replays an entry through the same path as live engine output, so resampling, the plan clock and timings
 * come out exactly as they did the first time. The bound is in bytes (a Caffeine weigher); one entry may hold at
 * most a sixteenth of it, so one long sentence cannot flush the rest. Entries are immutable once stored; the
 * arrays they hold are shared with every replay and never written to.
 */
public final class SentenceCache {

    /** Rough cost of one recorded event or of an entry itself, beyond its audio, in bytes. */
    private static final int OVERHEAD_BYTES = 64;

    private final Cache<Key, Entry> cache;
    private final long maxBytes;
    private final long maxEntryBytes;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();

    private SentenceCache(long maxBytes) {
        this.maxBytes = maxBytes;
        this.maxEntryBytes = Math.max(1, maxBytes / 16);
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .executor(Runnable::run) // Evict on the writing thread, so the bound holds when put returns.
                .weigher((Key k, Entry e) -> (int) Math.min(Integer.MAX_VALUE, e.bytes() + 2L * k.text().length()))
                .recordStats()
                .build();
    }

    /**
     * Returns a cache that holds at most {@code maxBytes} of sentence audio.
     *
     * @throws IllegalArgumentException when {@code maxBytes} is not positive
     */
    public static SentenceCache ofMaxBytes(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1)");
        }
        return new SentenceCache(maxBytes);
    }

    /** Returns how many sentences were replayed from the cache. */
    public long hits() {
        return hits.sum();
    }

    /** Returns how many sentences were looked up and not found (and so went to an engine). */
    public long misses() {
        return misses.sum();
    }

    /** Returns how many entries were evicted to stay within the byte bound. */
    public long evictions() {
        return cache.stats().evictionCount();
    }

    /** Returns the bytes the entries hold now (audio plus a small overhead per event). */
    public long bytes() {
        return cache.policy().eviction().map(Policy.Eviction::weightedSize)
                .map(w -> w.orElse(0L)).orElse(0L);
    }

    /** Returns the number of entries now. */
    public long entries() {
        return cache.estimatedSize();
    }

    /** Returns the byte bound. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Drops every entry. */
    public void clear() {
        cache.invalidateAll();
    }

    /** Returns the key of a speech piece: voice id and version, text, phonemes and options. */
    static Key key(Piece.Speech s) {
        return new Key(s.voice().id(), s.voice().version(), s.text(), s.ipa(), s.options());
    }

    /** Returns the entry for {@code key}, counting a hit or a miss. */
    Entry get(Key key) {
        Entry e = cache.getIfPresent(key);
        (e == null ? misses : hits).increment();
        return e;
    }

    /** Stores a finished piece, unless it is larger than one entry may be. */
    void put(Key key, Recorder r) {
        if (r.overflowed()) {
            return;
        }
        cache.put(key, new Entry(List.copyOf(r.items), r.voiceSamples, r.sawWord, r.bytes + OVERHEAD_BYTES));
    }

    /** Returns a recorder for one piece's output, bounded by the largest entry. */
    Recorder recorder() {
        return new Recorder(maxEntryBytes);
    }

    /** What identifies a sentence's audio. */
    record Key(String voice, String version, String text, String ipa, SynthesisOptions options) {
    }

    /**
     * One sentence's output, in the order the engine produced it.
     *
     * @param items        {@code short[]} runs of PCM at the voice's rate (after effects) and {@link SynthesisEvent}s
     * @param voiceSamples the samples in all runs
     * @param sawWord      whether the engine reported word events
     * @param bytes        the entry's weight
     */
    record Entry(List<Object> items, long voiceSamples, boolean sawWord, long bytes) {
    }

    /** Collects one piece's output while it is synthesized; stops collecting once it is too large to keep. */
    static final class Recorder {
        private final long limit;
        private final ArrayList<Object> items = new ArrayList<>();
        private long bytes;
        private long voiceSamples;
        private boolean sawWord;

        private Recorder(long limit) {
            this.limit = limit;
        }

        void audio(short[] samples) {
            if (overflowed() || samples.length == 0) {
                return;
            }
            items.add(samples);
            voiceSamples += samples.length;
            bytes += 2L * samples.length;
            trim();
        }

        void event(SynthesisEvent e) {
            if (overflowed()) {
                return;
            }
            items.add(e);
            sawWord |= e instanceof SynthesisEvent.Word;
            bytes += OVERHEAD_BYTES;
            trim();
        }

        boolean overflowed() {
            return bytes > limit;
        }

        private void trim() {
            if (overflowed()) {
                items.clear(); // Too large to keep: let the audio go as soon as it is delivered.
            }
        }
    }
}
