package dev.chorus.engine.espeak.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The few facts about a 64-bit little-endian ELF shared library that {@link StaticState} and
 * {@link AllocationTracker} need: where its writable data lives, which imported functions it calls through its
 * PLT (and where their GOT slots are), and where symbols sit relative to the load address.
 */
final class ElfImage {

    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;
    private static final int R_X86_64_JUMP_SLOT = 7;
    private static final int R_AARCH64_JUMP_SLOT = 1026;
    private static final int SHT_RELA = 4;
    private static final int SHT_DYNSYM = 11;
    private static final int PT_GNU_RELRO = 0x6474e552;

    /** One section header. */
    record Section(String name, int type, long address, long offset, long size, int link, long entrySize) {
        long end() {
            return address + size;
        }
    }

    private final ByteBuffer bytes;
    private final List<Section> sections;
    private final int machine;
    private final long relroEnd;

    private ElfImage(ByteBuffer bytes) {
        this.bytes = bytes;
        if (bytes.limit() < 64 || bytes.getInt(0) != 0x464c457f) {
            throw new IllegalArgumentException("not an ELF file");
        }
        if (bytes.get(4) != 2 || bytes.get(5) != 1) {
            throw new IllegalArgumentException("ELF class/data " + bytes.get(4) + "/" + bytes.get(5)
                    + " (expected: 64-bit little-endian)");
        }
        this.machine = Short.toUnsignedInt(bytes.getShort(18));
        this.sections = readSections();
        this.relroEnd = readRelroEnd();
    }

    /** Reads the ELF headers of {@code file}; fails if it is not a 64-bit little-endian ELF file. */
    static ElfImage read(Path file) throws IOException {
        return new ElfImage(ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN));
    }

    /** Returns the section named {@code name}, if present. */
    Optional<Section> section(String name) {
        return sections.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Returns the end address (relative to the load address) of the range made read-only after relocation. */
    long relroEnd() {
        return relroEnd;
    }

    /** Returns the value (address relative to the load address) of the exported dynamic symbol {@code name}. */
    OptionalLong symbolValue(String name) {
        Optional<Section> dynsym = sections.stream().filter(s -> s.type() == SHT_DYNSYM).findFirst();
        if (dynsym.isEmpty()) {
            return OptionalLong.empty();
        }
        Section strings = sections.get(dynsym.get().link());
        for (long at = dynsym.get().offset(); at + 24 <= dynsym.get().offset() + dynsym.get().size(); at += 24) {
            long value = bytes.getLong(Math.toIntExact(at + 8));
            if (value != 0 && name.equals(string(strings, bytes.getInt(Math.toIntExact(at))))) {
                return OptionalLong.of(value);
            }
        }
        return OptionalLong.empty();
    }

    /**
     * Returns imported function name → address of its GOT slot (relative to the load address) for every function
     * the library calls through its PLT; empty for machines other than x86-64 and AArch64.
     */
    Map<String, Long> jumpSlots() {
        int slotType = switch (machine) {
            case EM_X86_64 -> R_X86_64_JUMP_SLOT;
            case EM_AARCH64 -> R_AARCH64_JUMP_SLOT;
            default -> -1;
        };
        Map<String, Long> slots = new HashMap<>();
        for (Section rela : sections) {
            if (rela.type() != SHT_RELA || rela.link() <= 0 || rela.link() >= sections.size()) {
                continue;
            }
            Section symbols = sections.get(rela.link());
            Section strings = sections.get(symbols.link());
            for (long at = rela.offset(); at + 24 <= rela.offset() + rela.size(); at += 24) {
                long info = bytes.getLong(Math.toIntExact(at + 8));
                if ((int) info == slotType) {
                    long symbol = symbols.offset() + (info >>> 32) * 24;
                    slots.put(string(strings, bytes.getInt(Math.toIntExact(symbol))),
                            bytes.getLong(Math.toIntExact(at)));
                }
            }
        }
        return slots;
    }

    private List<Section> readSections() {
        long tableOffset = bytes.getLong(0x28);
        int entrySize = Short.toUnsignedInt(bytes.getShort(0x3a));
        int count = Short.toUnsignedInt(bytes.getShort(0x3c));
        int namesIndex = Short.toUnsignedInt(bytes.getShort(0x3e));
        List<long[]> raw = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = Math.toIntExact(tableOffset + (long) i * entrySize);
            raw.add(new long[] {Integer.toUnsignedLong(bytes.getInt(at)), bytes.getInt(at + 4),
                    bytes.getLong(at + 16), bytes.getLong(at + 24), bytes.getLong(at + 32), bytes.getInt(at + 40),
                    bytes.getLong(at + 56)});
        }
        List<Section> result = new ArrayList<>();
        long namesOffset = raw.isEmpty() ? 0 : raw.get(namesIndex)[3];
        for (long[] r : raw) {
            result.add(new Section(string(namesOffset, (int) r[0]), (int) r[1], r[2], r[3], r[4], (int) r[5], r[6]));
        }
        return List.copyOf(result);
    }

    private long readRelroEnd() {
        long tableOffset = bytes.getLong(0x20);
        int entrySize = Short.toUnsignedInt(bytes.getShort(0x36));
        int count = Short.toUnsignedInt(bytes.getShort(0x38));
        for (int i = 0; i < count; i++) {
            int at = Math.toIntExact(tableOffset + (long) i * entrySize);
            if (bytes.getInt(at) == PT_GNU_RELRO) {
                return bytes.getLong(at + 16) + bytes.getLong(at + 40);
            }
        }
        return 0;
    }

    private String string(Section table, int index) {
        return string(table.offset(), index);
    }

    private String string(long tableOffset, int index) {
        int start = Math.toIntExact(tableOffset + index);
        int end = start;
        while (end < bytes.limit() && bytes.get(end) != 0) {
            end++;
        }
        byte[] b = new byte[end - start];
        bytes.get(start, b);
        return new String(b, StandardCharsets.UTF_8);
    }
}
