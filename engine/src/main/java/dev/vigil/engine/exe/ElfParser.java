package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.engine.exe.HeaderBytes.U32;

/**
 * ELF headers as ClamAV's target-info pass reads them (libclamav/elf.c {@code cli_elfheader}). The entry point's file
 * offset comes from the first program header (of any type) whose memory range holds it; an entry point of 0, or no
 * program headers, gives offset 0. Sections are the section headers in order with {@code sh_offset}/{@code sh_size}
 * as raw range and {@code sh_addr} as address. Values are kept to 32 bits, as ClamAV stores them.
 * More than 128 program headers, more than 256 sections, a wrong entry size or an unreadable table fail the parse.
 */
final class ElfParser {
    private static final int MAX_PROGRAM_HEADERS = 128;
    private static final int MAX_SECTIONS = 256;

    private ElfParser() {
    }

    private record Layout(boolean is64, boolean bigEndian) {
        int headerSize() {
            return is64 ? 64 : 52;
        }

        int programHeaderSize() {
            return is64 ? 56 : 32;
        }

        int sectionHeaderSize() {
            return is64 ? 64 : 40;
        }

        long word(byte[] b, int off32, int off64) {
            return is64 ? HeaderBytes.u64(b, off64, bigEndian) : HeaderBytes.u32(b, off32, bigEndian);
        }

        int half(byte[] b, int off32, int off64) {
            return HeaderBytes.u16(b, is64 ? off64 : off32, bigEndian);
        }

        /** Next table entry position, wrapping at the width of the file's offsets. */
        long advance(long position, int by) {
            return is64 ? position + by : (position + by) & U32;
        }
    }

    static ExecutableInfo parse(ScanInput in) throws IOException {
        byte[] h = HeaderBytes.read(in, 0, 52);
        if (h == null || h[0] != 0x7f || h[1] != 'E' || h[2] != 'L' || h[3] != 'F') {
            return null;
        }
        boolean is64;
        if (h[4] == 1) {
            is64 = false;
        } else if (h[4] == 2) {
            is64 = true;
        } else {
            return null;
        }
        Layout layout = new Layout(is64, h[5] != 1);
        if (is64) {
            h = HeaderBytes.read(in, 0, 64);
            if (h == null) {
                return null;
            }
        }
        long entry = layout.word(h, 24, 24);
        long programOffset = layout.word(h, 28, 32);
        long sectionOffset = layout.word(h, 32, 40);
        int programEntrySize = layout.half(h, 42, 54);
        int programCount = layout.half(h, 44, 56);
        int sectionEntrySize = layout.half(h, 46, 58);
        int sectionCount = layout.half(h, 48, 60);

        long entryOffset = entryFileOffset(in, layout, entry, programOffset, programEntrySize, programCount);
        if (entryOffset < 0) {
            return null;
        }
        List<Section> sections = sections(in, layout, sectionOffset, sectionEntrySize, sectionCount);
        if (sections == null) {
            return null;
        }
        return new ExecutableInfo(ExecutableInfo.Format.ELF, entryOffset, sections);
    }

    private static long entryFileOffset(ScanInput in, Layout layout, long entry, long tableOffset,
                                        int entrySize, int count) throws IOException {
        if (count > MAX_PROGRAM_HEADERS) {
            return -1;
        }
        if (count == 0 || entry == 0) {
            return 0;
        }
        if (entrySize != layout.programHeaderSize()) {
            return -1;
        }
        long position = tableOffset;
        long[] vaddr = new long[count];
        long[] memsz = new long[count];
        long[] offset = new long[count];
        for (int i = 0; i < count; i++) {
            byte[] p = HeaderBytes.read(in, position, entrySize);
            if (p == null) {
                return -1;
            }
            offset[i] = layout.word(p, 4, 8);
            vaddr[i] = layout.word(p, 8, 16);
            memsz[i] = layout.word(p, 20, 40);
            position = layout.advance(position, entrySize);
        }
        for (int i = 0; i < count; i++) {
            long end = layout.is64() ? vaddr[i] + memsz[i] : (vaddr[i] + memsz[i]) & U32;
            if (Long.compareUnsigned(vaddr[i], entry) <= 0 && Long.compareUnsigned(end, entry) > 0) {
                // ClamAV keeps the entry point's file offset in 32 bits, whatever the ELF class.
                return (entry - vaddr[i] + offset[i]) & U32;
            }
        }
        return -1;
    }

    private static List<Section> sections(ScanInput in, Layout layout, long tableOffset, int entrySize, int count)
            throws IOException {
        if (count > MAX_SECTIONS || entrySize != layout.sectionHeaderSize()) {
            return null;
        }
        List<Section> out = new ArrayList<>(count);
        long position = tableOffset;
        for (int i = 0; i < count; i++) {
            byte[] s = HeaderBytes.read(in, position, entrySize);
            if (s == null) {
                return null;
            }
            long address = layout.word(s, 12, 16) & U32;
            long fileOffset = layout.word(s, 16, 24) & U32;
            long size = layout.word(s, 20, 32) & U32;
            out.add(new Section("", fileOffset, size, address, 0));
            position = layout.advance(position, entrySize);
        }
        return out;
    }
}
