package dev.chorus.engine.espeak.internal;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/** The C library calls the engine needs besides eSpeak's own: page size, symbol and file lookups. */
@SuppressWarnings("restricted")
final class NativeLibc {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Optional<MethodHandle> GETPAGESIZE = function("getpagesize", FunctionDescriptor.of(JAVA_INT));
    private static final Optional<MethodHandle> DLSYM = function("dlsym", FunctionDescriptor.of(ADDRESS, ADDRESS,
            ADDRESS));
    private static final Optional<MethodHandle> DLADDR = function("dladdr", FunctionDescriptor.of(JAVA_INT, ADDRESS,
            ADDRESS));
    private static final long PAGE_SIZE = pageSize();

    private NativeLibc() {
    }

    /** Rounds {@code address} up to the next page boundary. */
    static long roundUpToPage(long address) {
        return (address + PAGE_SIZE - 1) / PAGE_SIZE * PAGE_SIZE;
    }

    /**
     * Returns the definition of {@code name} that the dynamic linker would bind a new reference to (the global
     * scope, so an allocator preloaded into the process is honoured).
     */
    static Optional<MemorySegment> globalSymbol(String name) {
        if (DLSYM.isEmpty()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            // RTLD_DEFAULT is the null handle on glibc and musl.
            MemorySegment address = (MemorySegment) DLSYM.get().invokeExact(MemorySegment.NULL,
                    arena.allocateFrom(name));
            return address.address() == 0 ? Optional.empty() : Optional.of(address);
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    /** Returns the path of the loaded file that contains {@code address}, if the dynamic linker knows it. */
    static Optional<Path> fileContaining(MemorySegment address) {
        if (DLADDR.isEmpty()) {
            return Optional.empty();
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(ADDRESS.byteSize() * 4);
            int found = (int) DLADDR.get().invokeExact(address, info);
            MemorySegment name = info.get(ADDRESS, 0);
            if (found == 0 || name.address() == 0) {
                return Optional.empty();
            }
            return Optional.of(Path.of(name.reinterpret(4096).getString(0)));
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    private static long pageSize() {
        try {
            return GETPAGESIZE.isPresent() ? (int) GETPAGESIZE.get().invokeExact() : 65536;
        } catch (Throwable t) {
            // The largest page size Linux uses: rounding up too far only declines to hook, never crashes.
            return 65536;
        }
    }

    private static Optional<MethodHandle> function(String name, FunctionDescriptor descriptor) {
        return LINKER.defaultLookup().find(name).map(address -> LINKER.downcallHandle(address, descriptor));
    }
}
