package dev.chorus.engine.espeak.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Knows which heap blocks one private copy of the library owns, by pointing that copy's GOT slots for
 * {@code malloc}, {@code calloc}, {@code realloc}, {@code free}, {@code strdup} and libsonic's stream
 * constructor/destructor at upcalls that call the real function and record the result.
 *
 * <p>{@link StaticState} needs this to rewind the library's static variables safely: a block allocated or freed
 * since a checkpoint tells it which saved pointers would now dangle or leak. The copy is private and runs on one
 * thread at a time, so the bookkeeping needs no locks. Hooks never throw into native code; if bookkeeping fails
 * the tracker marks itself {@link #broken()} and rewinding stops, which costs determinism, never memory safety.
 */
@SuppressWarnings("restricted")
final class AllocationTracker {

    /** A live block: its size and a serial number that tells a reused address from the block it replaced. */
    record Block(long size, long serial) {
    }

    /** Imports that return memory the hooks would not see; a library that uses any of them is not tracked. */
    private static final Set<String> UNTRACKABLE = Set.of("strndup", "wcsdup", "posix_memalign", "aligned_alloc",
            "memalign", "valloc", "pvalloc", "reallocarray", "getline", "getdelim", "asprintf", "vasprintf",
            "realpath", "scandir", "open_memstream", "tempnam", "get_current_dir_name");

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle MALLOC = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS, JAVA_LONG));
    private static final MethodHandle CALLOC = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS, JAVA_LONG,
            JAVA_LONG));
    private static final MethodHandle REALLOC = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS, ADDRESS,
            JAVA_LONG));
    private static final MethodHandle FREE = LINKER.downcallHandle(FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle SONIC_CREATE = LINKER.downcallHandle(FunctionDescriptor.of(ADDRESS, JAVA_INT,
            JAVA_INT));

    private final Map<Long, Block> live = new HashMap<>();
    private final Map<String, MemorySegment> real;
    private long serial;
    private long changes;
    private boolean broken;

    private AllocationTracker(Map<String, MemorySegment> real) {
        this.real = real;
    }

    /**
     * Hooks the library loaded at {@code base}; empty when its imports cannot all be tracked (an unknown
     * machine, a read-only GOT, an allocation function without a hook).
     */
    static Optional<AllocationTracker> install(ElfImage elf, long base, SymbolLookup library, Arena stubs) {
        Map<String, Long> slots = elf.jumpSlots();
        if (!slots.keySet().containsAll(Set.of("malloc", "calloc", "realloc", "free"))
                || slots.containsKey("sonicCreateStream") != slots.containsKey("sonicDestroyStream")
                || slots.keySet().stream().anyMatch(UNTRACKABLE::contains)) {
            return Optional.empty();
        }
        long writableFrom = NativeLibc.roundUpToPage(elf.relroEnd());
        Map<String, MemorySegment> real = new HashMap<>();
        for (String name : Set.of("malloc", "calloc", "realloc", "free", "sonicCreateStream", "sonicDestroyStream")) {
            if (slots.containsKey(name)) {
                if (slots.get(name) < writableFrom) {
                    return Optional.empty();
                }
                Optional<MemorySegment> fn = NativeLibc.globalSymbol(name).or(() -> library.find(name));
                if (fn.isEmpty()) {
                    return Optional.empty();
                }
                real.put(name, fn.get());
            }
        }
        if (slots.containsKey("strdup") && slots.get("strdup") < writableFrom) {
            return Optional.empty();
        }
        AllocationTracker tracker = new AllocationTracker(Map.copyOf(real));
        for (Map.Entry<String, Long> slot : slots.entrySet()) {
            Hook hook = HOOKS.get(slot.getKey());
            if (hook != null) {
                MemorySegment stub = LINKER.upcallStub(hook.handle().bindTo(tracker), hook.descriptor(), stubs);
                MemorySegment.ofAddress(base + slot.getValue()).reinterpret(ADDRESS.byteSize())
                        .set(ADDRESS, 0, stub);
            }
        }
        return Optional.of(tracker);
    }

    /** Returns a count that changes whenever a block is allocated or freed. */
    long changes() {
        return changes;
    }

    /** Returns the serial number the next block will exceed; blocks allocated later have larger serials. */
    long serial() {
        return serial;
    }

    /** Returns whether a hook failed to record a block, so the live set can no longer be trusted. */
    boolean broken() {
        return broken;
    }

    /** Returns the live blocks by address; a read-only view. */
    Map<Long, Block> live() {
        return Collections.unmodifiableMap(live);
    }

    private void allocated(MemorySegment block, long size) {
        if (block.address() != 0) {
            live.put(block.address(), new Block(size, ++serial));
            changes++;
        }
    }

    private void released(MemorySegment block) {
        if (block.address() != 0 && live.remove(block.address()) != null) {
            changes++;
        }
    }

    // The hooks below run inside native code: every path returns normally.

    private MemorySegment malloc(long size) {
        MemorySegment block = MemorySegment.NULL;
        try {
            block = (MemorySegment) MALLOC.invokeExact(real.get("malloc"), size);
            allocated(block, size);
        } catch (Throwable t) {
            broken = true;
        }
        return block;
    }

    private MemorySegment calloc(long count, long size) {
        MemorySegment block = MemorySegment.NULL;
        try {
            block = (MemorySegment) CALLOC.invokeExact(real.get("calloc"), count, size);
            allocated(block, count * size);
        } catch (Throwable t) {
            broken = true;
        }
        return block;
    }

    private MemorySegment realloc(MemorySegment old, long size) {
        MemorySegment block = MemorySegment.NULL;
        try {
            block = (MemorySegment) REALLOC.invokeExact(real.get("realloc"), old, size);
            if (block.address() != 0 || size == 0) {
                released(old);
            }
            allocated(block, size);
        } catch (Throwable t) {
            broken = true;
        }
        return block;
    }

    private void free(MemorySegment block) {
        try {
            released(block);
            FREE.invokeExact(real.get("free"), block);
        } catch (Throwable t) {
            broken = true;
        }
    }

    private MemorySegment strdup(MemorySegment text) {
        MemorySegment copy = MemorySegment.NULL;
        try {
            MemorySegment source = text.reinterpret(Long.MAX_VALUE);
            long length = 0;
            while (source.get(JAVA_BYTE, length) != 0) {
                length++;
            }
            copy = (MemorySegment) MALLOC.invokeExact(real.get("malloc"), length + 1);
            if (copy.address() != 0) {
                MemorySegment.copy(source, 0, copy.reinterpret(length + 1), 0, length + 1);
                allocated(copy, length + 1);
            }
        } catch (Throwable t) {
            broken = true;
        }
        return copy;
    }

    private MemorySegment sonicCreateStream(int sampleRate, int channels) {
        MemorySegment stream = MemorySegment.NULL;
        try {
            stream = (MemorySegment) SONIC_CREATE.invokeExact(real.get("sonicCreateStream"), sampleRate, channels);
            allocated(stream, 1);
        } catch (Throwable t) {
            broken = true;
        }
        return stream;
    }

    private void sonicDestroyStream(MemorySegment stream) {
        try {
            released(stream);
            FREE.invokeExact(real.get("sonicDestroyStream"), stream);
        } catch (Throwable t) {
            broken = true;
        }
    }

    private record Hook(MethodHandle handle, FunctionDescriptor descriptor) {
    }

    private static final Map<String, Hook> HOOKS = Map.of(
            "malloc", hook("malloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG)),
            "calloc", hook("calloc", FunctionDescriptor.of(ADDRESS, JAVA_LONG, JAVA_LONG)),
            "realloc", hook("realloc", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG)),
            "free", hook("free", FunctionDescriptor.ofVoid(ADDRESS)),
            "strdup", hook("strdup", FunctionDescriptor.of(ADDRESS, ADDRESS)),
            "sonicCreateStream", hook("sonicCreateStream", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT)),
            "sonicDestroyStream", hook("sonicDestroyStream", FunctionDescriptor.ofVoid(ADDRESS)));

    private static Hook hook(String name, FunctionDescriptor descriptor) {
        try {
            MethodType type = descriptor.toMethodType();
            return new Hook(MethodHandles.lookup().findVirtual(AllocationTracker.class, name, type), descriptor);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
