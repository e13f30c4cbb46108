package dev.vigil.yara.modules.dotnet;

/**
 * Just enough of a PE file for the CLI header: the NT headers, data directories and YARA's mapping of RVAs to file
 * offsets (including its rounding of section file offsets), so that offsets agree with YARA's pe and dotnet modules.
 */
final class PeImage {
    static final int COM_DESCRIPTOR = 14;
    private static final int MAX_SECTIONS = 96;

    final Bytes b;
    final long nt;
    final boolean is64;

    private PeImage(Bytes b, long nt, boolean is64) {
        this.b = b;
        this.nt = nt;
        this.is64 = is64;
    }

    /** The PE headers, or null when the data is not a PE file with complete headers. */
    static PeImage of(Bytes b) {
        if (b.n < 64 || b.u16(0) != 0x5a4d) {
            return null;
        }
        long lfanew = (int) b.u32(0x3c);
        if (lfanew < 0) {
            return null;
        }
        long headers = lfanew + 4 + 20;
        if (b.n < headers || b.u32(lfanew) != 0x4550 || b.n < headers + 224) {
            return null;
        }
        boolean is64 = b.u16(lfanew + 24) == 0x20b;
        headers += is64 ? 240 : 224;
        if (b.n < headers) {
            return null;
        }
        return new PeImage(b, lfanew, is64);
    }

    private long optional() {
        return nt + 24;
    }

    long numberOfRvaAndSizes() {
        return b.u32(optional() + (is64 ? 108 : 92));
    }

    /** File position of data directory {@code entry}, or -1 when it lies outside the data. */
    long directory(int entry) {
        long p = optional() + (is64 ? 112 : 96) + entry * 8L;
        return b.fits(p, 8) ? p : -1;
    }

    /** YARA's pe_rva_to_offset: the file offset of {@code rva} (an unsigned 32-bit value), or -1. */
    long rvaToOffset(long rva) {
        long section = optional() + b.u16(nt + 20);
        int count = Math.min(b.u16(nt + 6), MAX_SECTIONS);
        long lowestRva = 0xffffffffL;
        long sectionRva = 0;
        long sectionOffset = 0;
        long sectionRawSize = 0;
        long fileAlignment = b.u32(optional() + 36);
        long sectionAlignment = b.u32(optional() + 32);
        for (int i = 0; i < count; i++, section += 40) {
            if (!b.fits(section, 40)) {
                return -1;
            }
            long va = b.u32(section + 12);
            long virtualSize = b.u32(section + 8);
            long rawSize = b.u32(section + 16);
            lowestRva = Math.min(lowestRva, va);
            if (rva >= va && rva - va < Math.max(virtualSize, rawSize) && sectionRva <= va) {
                long alignment = Math.min(fileAlignment, 0x200);
                sectionRva = va;
                sectionOffset = b.u32(section + 20);
                sectionRawSize = rawSize;
                if (alignment != 0) {
                    sectionOffset -= sectionOffset % alignment;
                }
                if (sectionAlignment >= 0x1000) {
                    sectionOffset &= ~0x1ffL;
                }
            }
        }
        if (rva < lowestRva) {
            sectionRva = 0;
            sectionOffset = 0;
            sectionRawSize = b.n & 0xffffffffL;
        }
        if (rva - sectionRva >= sectionRawSize) {
            return -1;
        }
        long result = sectionOffset + (rva - sectionRva);
        return result >= b.n ? -1 : result;
    }
}
