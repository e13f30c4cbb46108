package dev.vigil.yara.modules.pe;

/**
 * A PE file's bytes with its headers located, and the address arithmetic YARA's pe module uses. Offsets are longs;
 * every read checks bounds, so hostile values only make lookups fail.
 */
final class PeImage {
    static final int MAX_SECTIONS = 96;
    static final int DOS_HEADER_SIZE = 64;
    static final int OPTIONAL_HEADER32_SIZE = 224;
    static final int OPTIONAL_HEADER64_SIZE = 240;
    static final int SECTION_HEADER_SIZE = 40;

    final byte[] data;
    final int size;
    /** Offset of the "PE\0\0" signature. */
    final int ntOffset;
    final int optOffset;
    final boolean is64;

    private PeImage(byte[] data, int ntOffset) {
        this.data = data;
        this.size = data.length;
        this.ntOffset = ntOffset;
        this.optOffset = ntOffset + 24;
        this.is64 = u16(optOffset) == 0x20b;
    }

    /** The image, or null when {@code data} does not have complete DOS, NT and optional headers. */
    static PeImage parse(byte[] data) {
        if (data.length < DOS_HEADER_SIZE || u16(data, 0) != 0x5a4d) {
            return null;
        }
        long lfanew = s32(data, 0x3c);
        if (lfanew < 0) {
            return null;
        }
        long headers = lfanew + 24;
        if (data.length < headers || u32(data, (int) lfanew) != 0x4550) {
            return null;
        }
        if (data.length < headers + OPTIONAL_HEADER32_SIZE) {
            return null;
        }
        headers += u16(data, (int) headers) == 0x20b ? OPTIONAL_HEADER64_SIZE : OPTIONAL_HEADER32_SIZE;
        if (data.length < headers) {
            return null;
        }
        return new PeImage(data, (int) lfanew);
    }

    // ---- raw reads (callers check bounds with fits) ----

    static int u16(byte[] d, int o) {
        return (d[o] & 0xff) | (d[o + 1] & 0xff) << 8;
    }

    static long u32(byte[] d, int o) {
        return s32(d, o) & 0xffffffffL;
    }

    static int s32(byte[] d, int o) {
        return (d[o] & 0xff) | (d[o + 1] & 0xff) << 8 | (d[o + 2] & 0xff) << 16 | (d[o + 3] & 0xff) << 24;
    }

    static long u64(byte[] d, int o) {
        return u32(d, o) | u32(d, o + 4) << 32;
    }

    int u8(long o) {
        return data[(int) o] & 0xff;
    }

    int u16(long o) {
        return u16(data, (int) o);
    }

    long u32(long o) {
        return u32(data, (int) o);
    }

    long u64(long o) {
        return u64(data, (int) o);
    }

    /** YARA's fits_in_pe: {@code length} bytes at {@code offset} lie inside the data. */
    boolean fits(long offset, long length) {
        return length >= 0 && length <= size && offset >= 0 && offset <= size - length;
    }

    /** Bytes from {@code offset} to the end of the data (0 when outside). */
    long available(long offset) {
        return offset < 0 || offset >= size ? 0 : size - offset;
    }

    /** C strnlen from {@code offset}, looking at most {@code max} bytes (and never past the data). */
    int strnlen(long offset, long max) {
        long limit = Math.min(max, available(offset));
        int n = 0;
        while (n < limit && data[(int) offset + n] != 0) {
            n++;
        }
        return n;
    }

    byte[] bytes(long offset, int length) {
        return java.util.Arrays.copyOfRange(data, (int) offset, (int) offset + length);
    }

    // ---- headers ----

    int machine() {
        return u16(ntOffset + 4);
    }

    int numberOfSections() {
        return u16(ntOffset + 6);
    }

    long pointerToSymbolTable() {
        return u32(ntOffset + 12);
    }

    long numberOfSymbols() {
        return u32(ntOffset + 16);
    }

    int sizeOfOptionalHeader() {
        return u16(ntOffset + 20);
    }

    int characteristics() {
        return u16(ntOffset + 22);
    }

    long entryPointRva() {
        return u32(optOffset + 16);
    }

    long imageBase() {
        return is64 ? u64(optOffset + 24) : u32(optOffset + 28);
    }

    long sectionAlignment() {
        return u32(optOffset + 32);
    }

    long fileAlignment() {
        return u32(optOffset + 36);
    }

    long sizeOfImage() {
        return u32(optOffset + 56);
    }

    long numberOfRvaAndSizes() {
        return u32(optOffset + (is64 ? 108 : 92));
    }

    /** Offset of data directory {@code index}; YARA reads it whatever NumberOfRvaAndSizes says. */
    long directoryOffset(int index) {
        return optOffset + (is64 ? 112 : 96) + 8L * index;
    }

    long directoryRva(int index) {
        return u32(directoryOffset(index));
    }

    long directorySize(int index) {
        return u32(directoryOffset(index) + 4);
    }

    long firstSectionOffset() {
        return optOffset + sizeOfOptionalHeader();
    }

    /**
     * YARA's pe_rva_to_offset: the file offset of {@code rva} (taken as unsigned 64-bit), or -1. The section with
     * the highest start containing the address wins; raw pointers are rounded down as the Windows loader does.
     */
    long rvaToOffset(long rva) {
        long section = firstSectionOffset();
        long lowestRva = 0xffffffffL;
        long sectionRva = 0;
        long sectionOffset = 0;
        long sectionRawSize = 0;
        int count = Math.min(numberOfSections(), MAX_SECTIONS);
        for (int i = 0; i < count; i++, section += SECTION_HEADER_SIZE) {
            if (!fits(section, SECTION_HEADER_SIZE)) {
                return -1;
            }
            long va = u32(section + 12);
            if (lowestRva > va) {
                lowestRva = va;
            }
            long virtualSize = Math.max(u32(section + 8), u32(section + 16));
            if (Long.compareUnsigned(rva, va) >= 0 && Long.compareUnsigned(rva - va, virtualSize) < 0
                    && sectionRva <= va) {
                long alignment = Math.min(fileAlignment(), 0x200);
                sectionRva = va;
                sectionOffset = u32(section + 20);
                sectionRawSize = u32(section + 16);
                if (alignment != 0) {
                    sectionOffset -= sectionOffset % alignment;
                }
                if (sectionAlignment() >= 0x1000) {
                    sectionOffset &= ~0x1ffL;
                }
            }
        }
        if (Long.compareUnsigned(rva, lowestRva) < 0) {
            sectionRva = 0;
            sectionOffset = 0;
            sectionRawSize = size & 0xffffffffL;
        }
        if (Long.compareUnsigned(rva - sectionRva, sectionRawSize) >= 0) {
            return -1;
        }
        long result = sectionOffset + (rva - sectionRva);
        if (Long.compareUnsigned(result, size) >= 0) {
            return -1;
        }
        return result;
    }
}
