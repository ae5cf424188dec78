package dev.chorus.engine.espeak.internal;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Saves and restores the static variables ({@code .data} and {@code .bss}) of one private copy of the library.
 *
 * <p>Why: eSpeak NG keeps synthesis state in statics that no API resets (the pitch-flutter phase, the wave
 * phase, automatic gain, echo buffers), so the same text comes out slightly different depending on what that
 * copy spoke before. Rewinding the statics to a checkpoint taken after loading the voice makes every synthesis
 * start from the same state: output depends only on its input, on every copy, in any order.
 *
 * <p>Statics also hold pointers to heap blocks the library owns. Copying old values back blindly would leave
 * pointers to freed blocks and leak new ones, so a rewind consults the {@link AllocationTracker}: a word that
 * pointed into a block freed since the checkpoint, or now points into a block allocated since, keeps its current
 * value, and the checkpoint adopts it. The heap itself is never touched.
 */
final class StaticState {

    private final MemorySegment region;
    private final AllocationTracker tracker;

    private StaticState(MemorySegment region, AllocationTracker tracker) {
        this.region = region;
        this.tracker = tracker;
    }

    /** Finds the statics of the library loaded at {@code base}; empty if its layout is not the expected one. */
    @SuppressWarnings("restricted")
    static Optional<StaticState> locate(ElfImage elf, long base, AllocationTracker tracker) {
        Optional<ElfImage.Section> data = elf.section(".data");
        Optional<ElfImage.Section> bss = elf.section(".bss");
        if (data.isEmpty() || bss.isEmpty()) {
            return Optional.empty();
        }
        long start = data.get().address();
        long end = (bss.get().end() + 7) & ~7L;
        long gotEnd = elf.section(".got.plt").map(ElfImage.Section::end).orElse(0L);
        // The rewound range must not reach the GOT, which holds the tracker's hooks.
        if (start % 8 != 0 || end <= start || bss.get().address() < start || gotEnd > start
                || start < elf.relroEnd()) {
            return Optional.empty();
        }
        return Optional.of(new StaticState(MemorySegment.ofAddress(base + start).reinterpret(end - start),
                tracker));
    }

    /** Returns how many heap blocks the library holds now. */
    int liveBlocks() {
        return tracker.live().size();
    }

    /** Returns the statics as they are now. */
    Checkpoint capture() {
        return new Checkpoint(region.toArray(JAVA_LONG), new HashMap<>(tracker.live()), tracker.serial(),
                tracker.changes());
    }

    /**
     * Restores the statics to {@code checkpoint}, keeping current values where the heap changed underneath (see
     * the class comment). Does nothing once the tracker is broken: then ownership is unknown.
     */
    void rewind(Checkpoint checkpoint) {
        if (tracker.broken()) {
            return;
        }
        if (tracker.changes() != checkpoint.changes) {
            adoptHeapChanges(checkpoint);
        }
        MemorySegment.copy(checkpoint.words, 0, region, JAVA_LONG, 0, checkpoint.words.length);
    }

    private void adoptHeapChanges(Checkpoint checkpoint) {
        List<long[]> born = new ArrayList<>();
        for (Map.Entry<Long, AllocationTracker.Block> e : tracker.live().entrySet()) {
            if (e.getValue().serial() > checkpoint.serial) {
                born.add(range(e.getKey(), e.getValue()));
            }
        }
        List<long[]> died = new ArrayList<>();
        for (Map.Entry<Long, AllocationTracker.Block> e : checkpoint.live.entrySet()) {
            AllocationTracker.Block now = tracker.live().get(e.getKey());
            if (now == null || now.serial() != e.getValue().serial()) {
                died.add(range(e.getKey(), e.getValue()));
            }
        }
        if (!born.isEmpty() || !died.isEmpty()) {
            long[] current = region.toArray(JAVA_LONG);
            for (int i = 0; i < current.length; i++) {
                if (inside(checkpoint.words[i], died) || inside(current[i], born)) {
                    checkpoint.words[i] = current[i];
                }
            }
            checkpoint.live = new HashMap<>(tracker.live());
            checkpoint.serial = tracker.serial();
        }
        checkpoint.changes = tracker.changes();
    }

    private static long[] range(long address, AllocationTracker.Block block) {
        return new long[] {address, address + Math.max(1, block.size())};
    }

    private static boolean inside(long value, List<long[]> ranges) {
        for (long[] r : ranges) {
            if (Long.compareUnsigned(value, r[0]) >= 0 && Long.compareUnsigned(value, r[1]) < 0) {
                return true;
            }
        }
        return false;
    }

    /** The statics at one moment, and the heap blocks that were live then. Updated in place by rewinds. */
    static final class Checkpoint {
        private final long[] words;
        private Map<Long, AllocationTracker.Block> live;
        private long serial;
        private long changes;

        private Checkpoint(long[] words, Map<Long, AllocationTracker.Block> live, long serial, long changes) {
            this.words = words;
            this.live = live;
            this.serial = serial;
            this.changes = changes;
        }
    }
}
