package dev.vigil.yara.modules.macho;

import dev.vigil.yara.modules.StructValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a Mach-O or fat Mach-O file into the values of YARA 4.5.2's macho module, with its bounds checks and its
 * quirks (e.g. the thread command size read in host order). A fat file can point many architectures at the same
 * large image, which makes YARA's work quadratic; a work budget per file bounds that here (values beyond it stay
 * undefined).
 */
final class MachoParser {
    static final long MH_MAGIC = 0xfeedfaceL, MH_CIGAM = 0xcefaedfeL, MH_MAGIC_64 = 0xfeedfacfL,
            MH_CIGAM_64 = 0xcffaedfeL, FAT_MAGIC = 0xcafebabeL, FAT_CIGAM = 0xbebafecaL,
            FAT_MAGIC_64 = 0xcafebabfL, FAT_CIGAM_64 = 0xbfbafecaL;
    private static final long LC_SEGMENT = 1, LC_UNIXTHREAD = 5, LC_SEGMENT_64 = 0x19, LC_MAIN = 0x80000028L;
    private static final long UNDEFINED = 0xFFFABADAFABADAFFL;
    private static final long WORK_BUDGET = 250_000L;

    private final byte[] d;
    private long budget = WORK_BUDGET;

    MachoParser(byte[] data) {
        this.d = data;
    }

    private long be32(long p) {
        return (u8(p) << 24 | u8(p + 1) << 16 | u8(p + 2) << 8 | u8(p + 3)) & 0xffffffffL;
    }

    private long le32(long p) {
        return (u8(p) | u8(p + 1) << 8 | u8(p + 2) << 16 | (long) u8(p + 3) << 24) & 0xffffffffL;
    }

    private long be64(long p) {
        return be32(p) << 32 | be32(p + 4);
    }

    private long le64(long p) {
        return le32(p) | le32(p + 4) << 32;
    }

    private int u8(long p) {
        return p >= 0 && p < d.length ? d[(int) p] & 0xff : 0;
    }

    void parse(StructValue out) {
        long magic = le32(0);
        if (magic == MH_MAGIC || magic == MH_CIGAM || magic == MH_MAGIC_64 || magic == MH_CIGAM_64) {
            parseFile(0, d.length, out);
        } else if (magic == FAT_MAGIC || magic == FAT_CIGAM || magic == FAT_MAGIC_64 || magic == FAT_CIGAM_64) {
            parseFat(out);
        }
    }

    /** Reads in the byte order a file's magic says (big-endian magics are byte-swapped on little-endian hosts). */
    private final class Image {
        final long base;
        final long size;
        final boolean bigEndian;

        Image(long base, long size, boolean bigEndian) {
            this.base = base;
            this.size = size;
            this.bigEndian = bigEndian;
        }

        long u32(long at) {
            return bigEndian ? be32(base + at) : le32(base + at);
        }

        long u64(long at) {
            return bigEndian ? be64(base + at) : le64(base + at);
        }

        byte[] name16(long at) {
            int n = 0;
            while (n < 16 && u8(base + at + n) != 0) {
                n++;
            }
            byte[] s = new byte[n];
            for (int i = 0; i < n; i++) {
                s[i] = (byte) u8(base + at + i);
            }
            return s;
        }
    }

    private void parseFile(long base, long size, StructValue out) {
        if (size < 32) {
            return;
        }
        long magic = be32(base);
        boolean is32 = magic == MH_MAGIC || magic == MH_CIGAM;
        long headerSize = is32 ? 28 : 32;
        boolean swap = magic == MH_MAGIC || magic == MH_MAGIC_64 || magic == FAT_MAGIC || magic == FAT_MAGIC_64;
        Image m = new Image(base, size, swap);
        out.set("magic", magic);
        out.set("cputype", m.u32(4));
        out.set("cpusubtype", m.u32(8));
        out.set("filetype", m.u32(12));
        long ncmds = m.u32(16);
        out.set("ncmds", ncmds);
        out.set("sizeofcmds", m.u32(20));
        out.set("flags", m.u32(24));
        if (!is32) {
            out.set("reserved", m.u32(28));
        }
        List<long[]> segments = new ArrayList<>();
        int segCount = 0;
        long parsed = headerSize;
        for (long i = 0; i < ncmds && budget-- > 0; i++) {
            if (size < parsed + 8) {
                break;
            }
            long cmd = m.u32(parsed);
            long cmdsize = m.u32(parsed + 4);
            if (size - parsed < cmdsize || cmdsize < 8) {
                break;
            }
            if (cmd == LC_SEGMENT || cmd == LC_SEGMENT_64) {
                long[] seg = segment(m, parsed, size - parsed, segCount, cmd == LC_SEGMENT_64, out);
                while (segments.size() <= segCount) {
                    segments.add(null);
                }
                segments.set(segCount, seg);
                segCount++;
            }
            parsed += cmdsize;
        }
        out.set("number_of_segments", segCount);
        parsed = headerSize;
        for (long i = 0; i < ncmds && budget-- > 0; i++) {
            if (size < parsed + 8) {
                break;
            }
            long cmd = m.u32(parsed);
            long cmdsize = m.u32(parsed + 4);
            if (size - parsed < cmdsize || cmdsize < 8) {
                break;
            }
            if (cmd == LC_UNIXTHREAD) {
                unixThread(m, parsed, size - parsed, segments, out);
            } else if (cmd == LC_MAIN && size - parsed >= 24) {
                out.set("entry_point", m.u64(parsed + 8));
                out.set("stack_size", m.u64(parsed + 16));
            }
            parsed += cmdsize;
        }
    }

    /** Sets segments[index] and its sections; returns {vmaddr, vmsize, fileoff} or null when too short. */
    private long[] segment(Image m, long at, long available, int index, boolean is64, StructValue out) {
        long headerSize = is64 ? 72 : 56;
        if (available < headerSize) {
            return null;
        }
        StructValue seg = item(out, "segments", index);
        long cmdsize = m.u32(at + 4);
        long vmaddr = is64 ? m.u64(at + 24) : m.u32(at + 24);
        long vmsize = is64 ? m.u64(at + 32) : m.u32(at + 28);
        long fileoff = is64 ? m.u64(at + 40) : m.u32(at + 32);
        long filesize = is64 ? m.u64(at + 48) : m.u32(at + 36);
        long tail = at + (is64 ? 56 : 40);
        long nsects = m.u32(tail + 8);
        seg.set("segname", m.name16(at + 8));
        seg.set("vmaddr", vmaddr);
        seg.set("vmsize", vmsize);
        seg.set("fileoff", fileoff);
        seg.set("fsize", filesize);
        seg.set("maxprot", m.u32(tail));
        seg.set("initprot", m.u32(tail + 4));
        seg.set("nsects", nsects);
        seg.set("flags", m.u32(tail + 12));
        long sectionSize = is64 ? 80 : 68;
        long parsed = headerSize;
        for (long j = 0; j < nsects && budget-- > 0; j++) {
            parsed += sectionSize;
            if (cmdsize < parsed) {
                break;
            }
            long s = at + headerSize + j * sectionSize;
            StructValue sec = item(seg, "sections", (int) j);
            sec.set("segname", m.name16(s + 16));
            sec.set("sectname", m.name16(s));
            long rest = s + (is64 ? 48 : 40);
            sec.set("addr", is64 ? m.u64(s + 32) : m.u32(s + 32));
            sec.set("size", is64 ? m.u64(s + 40) : m.u32(s + 36));
            sec.set("offset", m.u32(rest));
            sec.set("align", m.u32(rest + 4));
            sec.set("reloff", m.u32(rest + 8));
            sec.set("nreloc", m.u32(rest + 12));
            sec.set("flags", m.u32(rest + 16));
            sec.set("reserved1", m.u32(rest + 20));
            sec.set("reserved2", m.u32(rest + 24));
            if (is64) {
                sec.set("reserved3", m.u32(rest + 28));
            }
        }
        return new long[] {vmaddr, vmsize, fileoff};
    }

    private void unixThread(Image m, long at, long available, List<long[]> segments, StructValue out) {
        if (available < 16) {
            return;
        }
        // YARA reads this cmdsize without byte swapping.
        long commandSize = Math.min(available, le32(m.base + at + 4));
        if (commandSize < 16) {
            return;
        }
        long stateSize = commandSize - 16;
        long state = at + 16;
        Object cputype = out.get("cputype");
        long address;
        switch ((int) (long) (Long) cputype) {
            case 0x6 -> { // MC680X0
                if (stateSize < 72) {
                    return;
                }
                address = m.u32(state + 68);
            }
            case 0xd -> { // MC88000
                if (stateSize < 136) {
                    return;
                }
                address = m.u32(state + 124);
            }
            case 0xe -> { // SPARC
                if (stateSize < 76) {
                    return;
                }
                address = m.u32(state + 4);
            }
            case 0x12 -> { // POWERPC
                if (stateSize < 160) {
                    return;
                }
                address = m.u32(state);
            }
            case 0x7 -> { // X86
                if (stateSize < 64) {
                    return;
                }
                address = m.u32(state + 40);
            }
            case 0xc -> { // ARM
                if (stateSize < 68) {
                    return;
                }
                address = m.u32(state + 60);
            }
            case 0x01000007 -> { // X86_64
                if (stateSize < 168) {
                    return;
                }
                address = m.u64(state + 128);
            }
            case 0x0100000c -> { // ARM64
                if (stateSize < 268) {
                    return;
                }
                address = m.u64(state + 256);
            }
            case 0x01000012 -> { // POWERPC64
                if (stateSize < 304) {
                    return;
                }
                address = m.u64(state);
            }
            default -> {
                return;
            }
        }
        // The file offset of the address, through the segments (missing ones read as YARA's undefined value).
        for (long[] seg : segments) {
            if (budget-- <= 0) {
                return;
            }
            long start = seg == null ? UNDEFINED : seg[0];
            long end = start + (seg == null ? UNDEFINED : seg[1]);
            if (Long.compareUnsigned(address, start) >= 0 && Long.compareUnsigned(address, end) < 0) {
                out.set("entry_point", (seg == null ? UNDEFINED : seg[2]) + (address - start));
                return;
            }
        }
    }

    private void parseFat(StructValue out) {
        long magic = be32(0);
        boolean is32 = magic == FAT_MAGIC;
        long archSize = is32 ? 20 : 32;
        if (d.length < 8) {
            return;
        }
        out.set("fat_magic", magic);
        long count = be32(4);
        out.set("nfat_arch", count);
        if (d.length < 8 + count * archSize) {
            return;
        }
        for (int i = 0; i < count && budget > 0; i++) {
            long a = 8 + i * archSize;
            long cputype = be32(a);
            long cpusubtype = be32(a + 4);
            long offset = is32 ? be32(a + 8) : be64(a + 8);
            long size = is32 ? be32(a + 12) : be64(a + 16);
            long align = is32 ? be32(a + 16) : be32(a + 24);
            StructValue arch = item(out, "fat_arch", i);
            arch.set("cputype", cputype);
            arch.set("cpusubtype", cpusubtype);
            arch.set("offset", offset);
            arch.set("size", size);
            arch.set("align", align);
            long end = offset + size;
            if (Long.compareUnsigned(end, offset) < 0 || Long.compareUnsigned(d.length, end) < 0) {
                continue;
            }
            StructValue file = item(out, "file", i);
            parseFile(offset, size, file);
        }
    }

    @SuppressWarnings("unchecked")
    private static StructValue item(StructValue parent, String field, int index) {
        List<Object> l = (List<Object>) parent.get(field);
        if (l == null) {
            l = new ArrayList<>();
            parent.set(field, l);
        }
        while (l.size() <= index) {
            l.add(null);
        }
        StructValue s = (StructValue) l.get(index);
        if (s == null) {
            s = new StructValue();
            l.set(index, s);
        }
        return s;
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
