package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static dev.vigil.engine.exe.HeaderBytes.U32;

/**
 * Thin (single-architecture) Mach-O headers as ClamAV reads them (libclamav/macho.c {@code cli_scanmacho} with file
 * info). Sections are the sections of all {@code LC_SEGMENT}/{@code LC_SEGMENT_64} commands in order; a section's raw
 * size is its size rounded up to its alignment. Only PowerPC thread commands give an entry point (ClamAV ignores
 * {@code LC_MAIN} and the x86 thread state), mapped to a file offset through the first section holding it; when there
 * are no sections the virtual address itself is kept. Universal (fat) files are not parsed here: ClamAV's target info
 * for them fails, and their slices are scanned as separate files (see {@link #universalSlices}).
 */
final class MachOParser {
    private static final int MAX_COMMANDS = 1024;
    private static final int MAX_SECTIONS_PER_SEGMENT = 255;
    private static final int CPU_X86 = 7;
    private static final int CPU_PPC = 18;
    private static final int CPU_PPC64 = 18 | 0x1000000;
    private static final int X86_THREAD_STATE_SIZE = 64;
    private static final int PPC_THREAD_STATE_SIZE = 160;
    private static final int PPC64_THREAD_STATE_SIZE = 312;
    private static final int MAX_UNIVERSAL_SLICES = 32;

    private MachOParser() {
    }

    static ExecutableInfo parse(ScanInput in) throws IOException {
        byte[] h = HeaderBytes.read(in, 0, 28);
        if (h == null) {
            return null;
        }
        long magic = HeaderBytes.u32(h, 0, true);
        boolean bigEndian;
        boolean is64;
        if (magic == 0xcefaedfeL) {
            bigEndian = false;
            is64 = false;
        } else if (magic == 0xfeedfaceL) {
            bigEndian = true;
            is64 = false;
        } else if (magic == 0xcffaedfeL) {
            bigEndian = false;
            is64 = true;
        } else if (magic == 0xfeedfacfL) {
            bigEndian = true;
            is64 = true;
        } else {
            return null;
        }
        long cpu = HeaderBytes.u32(h, 4, bigEndian);
        long commandCount = HeaderBytes.u32(h, 16, bigEndian);
        if (commandCount == 0 || commandCount > MAX_COMMANDS) {
            return null;
        }
        long at = is64 ? 32 : 28;
        long entry = 0;
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < commandCount; i++) {
            byte[] command = HeaderBytes.read(in, at, 8);
            if (command == null) {
                return null;
            }
            at += 8;
            long cmd = HeaderBytes.u32(command, 0, bigEndian);
            long cmdSize = HeaderBytes.u32(command, 4, bigEndian);
            if ((is64 && cmd == 0x19) || (!is64 && cmd == 0x01)) {
                int segmentSize = is64 ? 64 : 48;
                byte[] segment = HeaderBytes.read(in, at, segmentSize);
                if (segment == null) {
                    return null;
                }
                at += segmentSize;
                long count = HeaderBytes.u32(segment, is64 ? 56 : 40, bigEndian);
                if (count > MAX_SECTIONS_PER_SEGMENT) {
                    return null;
                }
                int sectionSize = is64 ? 80 : 68;
                for (int j = 0; j < count; j++) {
                    byte[] s = HeaderBytes.read(in, at, sectionSize);
                    if (s == null) {
                        return null;
                    }
                    at += sectionSize;
                    Section section = section(s, is64, bigEndian);
                    if (section == null) {
                        return null;
                    }
                    sections.add(section);
                }
            } else if ((cmd == 4 || cmd == 5) && threadStateSize(cpu) > 0) {
                at += 8;
                int stateSize = threadStateSize(cpu);
                byte[] state = HeaderBytes.read(in, at, stateSize);
                if (state == null) {
                    return null;
                }
                at += stateSize;
                if (cpu == CPU_PPC) {
                    entry = HeaderBytes.u32(state, 0, bigEndian);
                } else if (cpu == CPU_PPC64) {
                    entry = HeaderBytes.u64(state, 0, bigEndian) & U32;
                }
            } else if (cmdSize > 8) {
                at += cmdSize - 8;
            }
        }
        // ClamAV counts sections in 16 bits.
        List<Section> visible = sections.subList(0, sections.size() & 0xffff);
        if (entry != 0 && !sections.isEmpty()) {
            entry = entryFileOffset(entry, visible);
            if (entry < 0) {
                return null;
            }
        }
        return new ExecutableInfo(ExecutableInfo.Format.MACHO, entry, visible);
    }

    private static int threadStateSize(long cpu) {
        if (cpu == CPU_X86) {
            return X86_THREAD_STATE_SIZE;
        } else if (cpu == CPU_PPC) {
            return PPC_THREAD_STATE_SIZE;
        } else if (cpu == CPU_PPC64) {
            return PPC64_THREAD_STATE_SIZE;
        }
        return 0;
    }

    private static Section section(byte[] s, boolean is64, boolean bigEndian) {
        String name = HeaderBytes.name(s, 0, 16);
        long address = (is64 ? HeaderBytes.u64(s, 32, bigEndian) : HeaderBytes.u32(s, 32, bigEndian)) & U32;
        long size = (is64 ? HeaderBytes.u64(s, 40, bigEndian) : HeaderBytes.u32(s, 36, bigEndian)) & U32;
        long offset = HeaderBytes.u32(s, is64 ? 48 : 40, bigEndian);
        long alignShift = HeaderBytes.u32(s, is64 ? 52 : 44, bigEndian);
        if (!is64 && alignShift >= 32) {
            return null;
        }
        // For 64-bit files ClamAV does not range-check the shift; x86 shifts use the count modulo 32.
        long alignment = (1L << (alignShift & 31)) & U32;
        long rawSize = (size + (alignment - size % alignment) % alignment) & U32;
        return new Section(name, offset, rawSize, address, size);
    }

    private static long entryFileOffset(long entry, List<Section> sections) {
        for (Section s : sections) {
            long end = (s.virtualAddress() + s.virtualSize()) & U32;
            if (s.virtualAddress() <= entry && end > entry) {
                return (entry - s.virtualAddress() + s.rawOffset()) & U32;
            }
        }
        return -1;
    }

    /**
     * The (offset, size) pairs of a universal binary's slices in header order, as ClamAV hands them to nested scans;
     * stops where ClamAV stops (unreadable entry, or an offset inside the already-read header). Empty for data that is
     * not a universal binary, and for the Java class files that share its magic (architecture count 39 or more).
     */
    static List<long[]> universalSlices(ScanInput in) throws IOException {
        byte[] h = HeaderBytes.read(in, 0, 8);
        if (h == null) {
            return List.of();
        }
        long magic = HeaderBytes.u32(h, 0, true);
        boolean bigEndian;
        if (magic == 0xcafebabeL) {
            bigEndian = true;
        } else if (magic == 0xbebafecaL) {
            bigEndian = false;
        } else {
            return List.of();
        }
        long count = HeaderBytes.u32(h, 4, bigEndian);
        if ((count & 0xffff) >= 39 || count > MAX_UNIVERSAL_SLICES) {
            return List.of();
        }
        List<long[]> slices = new ArrayList<>();
        long at = 8;
        for (int i = 0; i < count; i++) {
            byte[] arch = HeaderBytes.read(in, at, 20);
            if (arch == null) {
                break;
            }
            at += 20;
            long offset = HeaderBytes.u32(arch, 8, bigEndian);
            long size = HeaderBytes.u32(arch, 12, bigEndian);
            if (offset < at) {
                break;
            }
            slices.add(new long[] {offset, size});
        }
        return slices;
    }
}
