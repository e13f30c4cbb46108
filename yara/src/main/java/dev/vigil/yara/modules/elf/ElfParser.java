package dev.vigil.yara.modules.elf;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.math.ScanRange;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills the {@code elf} values from ELF32/ELF64, little or big endian data the way YARA 4.5.2 does. Every offset
 * comes from the file and is checked against the data size before use; every loop is bounded by a 16-bit count or
 * by the data size. Deliberately kept from 4.5.2 (the oracle): the symtab/dynsym link index is compared with the
 * section count as stored in the file without byte swapping, so big-endian files see a different bound (fixed
 * upstream after 4.5.2; conformance case test-elf.c:178 expects the fix).
 */
final class ElfParser {

    private static final int ET_EXEC = 2;
    private static final int SHT_NULL = 0;
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_STRTAB = 3;
    private static final int SHT_NOBITS = 8;
    private static final int SHT_DYNSYM = 11;
    private static final int PT_DYNAMIC = 2;
    private static final int SHN_LORESERVE = 0xFF00;
    private static final int PN_XNUM = 0xFFFF;
    /** Total bytes of names kept per file: a hostile file can point every symbol at one huge unterminated run. */
    private static final long NAME_BUDGET = 64L << 20;

    /** One symbol as the telfhash/import_md5 functions need it. */
    record Symbol(byte[] name, int bind, int type, int shndx, int visibility) {
    }

    /** The symbol lists YARA keeps for its functions; a list is null when its table was not valid. */
    record Symbols(List<Symbol> symtab, List<Symbol> dynsym) {
        List<Symbol> preferred() {
            return dynsym != null ? dynsym : symtab;
        }
    }

    private final ElfData data;
    private final boolean is64;
    private final long size;
    private final StructValue out;
    private long nameBytes;

    private ElfParser(ElfData data, boolean is64, StructValue out) {
        this.data = data;
        this.is64 = is64;
        this.size = data.size();
        this.out = out;
    }

    /** Parses when the data is an ELF file; returns its symbol lists, or null when it is not ELF. */
    static Symbols parse(ScanInput input, long size, StructValue out) throws IOException {
        if (size < 16) {
            return null;
        }
        byte[] ident = input.readFully(0, 6);
        if (ident.length < 6 || ident[0] != 0x7f || ident[1] != 'E' || ident[2] != 'L' || ident[3] != 'F') {
            return null;
        }
        int elfClass = ident[4];
        int encoding = ident[5];
        if ((elfClass != 1 && elfClass != 2) || (encoding != 1 && encoding != 2)) {
            return null;
        }
        boolean is64 = elfClass == 2;
        if (size <= (is64 ? 64 : 52)) {
            return null; // YARA wants more than a bare header
        }
        return new ElfParser(new ElfData(input, size, encoding == 2), is64, out).parse();
    }

    private int headerSize(int elf32, int elf64) {
        return is64 ? elf64 : elf32;
    }

    private Symbols parse() throws IOException {
        int type = data.u16(16);
        long entry = data.word(24, is64);
        long phOffset = data.word(is64 ? 32 : 28, is64);
        long shOffset = data.word(is64 ? 40 : 32, is64);
        int phEntrySize = data.u16(is64 ? 54 : 42);
        int phCount = data.u16(is64 ? 56 : 44);
        int shEntrySize = data.u16(is64 ? 58 : 46);
        int shCount = data.u16(is64 ? 60 : 48);
        int strIndex = data.u16(is64 ? 62 : 50);
        set(out, "type", type);
        set(out, "machine", data.u16(18));
        set(out, "sh_offset", shOffset);
        set(out, "sh_entry_size", shEntrySize);
        set(out, "number_of_sections", shCount);
        set(out, "ph_offset", phOffset);
        set(out, "ph_entry_size", phEntrySize);
        set(out, "number_of_segments", phCount);
        if (entry != 0) {
            Long offset = rvaToOffset(type, entry, phOffset, phCount, shOffset, shCount);
            if (offset != null) {
                set(out, "entry_point", offset);
            }
        }
        Symbols symbols = new Symbols(null, null);
        int sh = headerSize(40, 64);
        if (shCount < SHN_LORESERVE && strIndex < shCount && Long.compareUnsigned(shOffset, size) < 0
                && shOffset + (long) shCount * sh <= size) {
            symbols = sections(shOffset, shCount, strIndex);
        }
        int ph = headerSize(32, 56);
        if (phCount > 0 && phCount < PN_XNUM && Long.compareUnsigned(phOffset, size) < 0
                && phOffset + (long) phCount * ph <= size) {
            segments(phOffset, phCount);
        }
        return symbols;
    }

    /** Adds in the file's word width: 32-bit sums wrap at 2^32 in YARA's ELF32 code. */
    private long add(long a, long b) {
        return is64 ? a + b : (a + b) & 0xffff_ffffL;
    }

    private static boolean inRange(long rva, long start, long end) {
        return Long.compareUnsigned(rva, start) >= 0 && Long.compareUnsigned(rva, end) < 0;
    }

    private Long rvaToOffset(int type, long rva, long phOffset, int phCount, long shOffset, int shCount)
            throws IOException {
        boolean byProgram = type == ET_EXEC;
        long tableOffset = byProgram ? phOffset : shOffset;
        int count = byProgram ? phCount : shCount;
        long tableSize = (long) count * (byProgram ? headerSize(32, 56) : headerSize(40, 64));
        if (Long.compareUnsigned(-1L - tableOffset, tableSize) < 0) {
            return null;
        }
        if (tableOffset == 0 || Long.compareUnsigned(tableOffset, size) > 0
                || Long.compareUnsigned(tableOffset + tableSize, size) > 0 || count == 0) {
            return null;
        }
        for (int i = 0; i < count; i++) {
            if (byProgram) {
                long p = tableOffset + (long) i * headerSize(32, 56);
                long offset = data.word(p + headerSize(4, 8), is64);
                long virtualAddress = data.word(p + headerSize(8, 16), is64);
                long memorySize = data.word(p + headerSize(20, 40), is64);
                if (inRange(rva, virtualAddress, add(virtualAddress, memorySize))) {
                    return offset + (rva - virtualAddress);
                }
            } else {
                long s = tableOffset + (long) i * headerSize(40, 64);
                long sectionType = data.u32(s + 4);
                long address = data.word(s + headerSize(12, 16), is64);
                long offset = data.word(s + headerSize(16, 24), is64);
                long sectionSize = data.word(s + headerSize(20, 32), is64);
                if (sectionType != SHT_NULL && sectionType != SHT_NOBITS
                        && inRange(rva, address, add(address, sectionSize))) {
                    return offset + (rva - address);
                }
            }
        }
        return null;
    }

    private Symbols sections(long shOffset, int shCount, int strIndex) throws IOException {
        int sh = headerSize(40, 64);
        // 4.5.2 compares link indexes with the count as stored, without converting from the file's byte order
        int rawCount = data.u16(is64 ? 60 : 48);
        if (data.isBigEndian()) {
            rawCount = Integer.reverseBytes(rawCount) >>> 16;
        }
        long strTable = -1;
        long strTableOffset = data.word(shOffset + (long) strIndex * sh + headerSize(16, 24), is64);
        if (Long.compareUnsigned(strTableOffset, size) < 0) {
            strTable = strTableOffset;
        }
        long[] symtab = null;
        long[] dynsym = null;
        List<Object> sections = new ArrayList<>(shCount);
        for (int i = 0; i < shCount; i++) {
            long s = shOffset + (long) i * sh;
            long nameIndex = data.u32(s);
            long type = data.u32(s + 4);
            long offset = data.word(s + headerSize(16, 24), is64);
            long sectionSize = data.word(s + headerSize(20, 32), is64);
            StructValue section = new StructValue();
            set(section, "type", type);
            set(section, "flags", data.word(s + 8, is64));
            set(section, "address", data.word(s + headerSize(12, 16), is64));
            set(section, "size", sectionSize);
            set(section, "offset", offset);
            if (nameIndex < size && strTable > 0) {
                section.set("name", stringEntry(strTable, size, nameIndex));
            }
            long link = data.u32(s + headerSize(24, 40));
            if ((type == SHT_SYMTAB || type == SHT_DYNSYM) && link < rawCount) {
                long linked = shOffset + link * sh;
                if (linked + sh <= size && data.u32(linked + 4) == SHT_STRTAB) {
                    long[] table = {offset, sectionSize, data.word(linked + headerSize(16, 24), is64),
                            data.word(linked + headerSize(20, 32), is64)};
                    if (type == SHT_SYMTAB) {
                        symtab = table;
                    } else {
                        dynsym = table;
                    }
                }
            }
            sections.add(section);
        }
        out.set("sections", sections);
        List<Symbol> symtabList = symbols(symtab, "symtab", "symtab_entries");
        List<Symbol> dynsymList = symbols(dynsym, "dynsym", "dynsym_entries");
        return new Symbols(symtabList, dynsymList);
    }

    /** YARA's pointer check: [offset, offset + length) lies inside the data. */
    private boolean validRange(long offset, long length) {
        return Long.compareUnsigned(length, size) <= 0 && Long.compareUnsigned(offset, size - length) <= 0;
    }

    private List<Symbol> symbols(long[] table, String field, String countField) throws IOException {
        if (table == null || !validRange(table[2], table[3]) || !validRange(table[0], table[1])) {
            return null;
        }
        int entrySize = headerSize(16, 24);
        long count = Long.divideUnsigned(table[1], entrySize);
        long stringsStart = table[2];
        long stringsEnd = table[2] + table[3];
        List<Object> values = new ArrayList<>((int) Math.min(count, 1 << 16));
        List<Symbol> symbols = new ArrayList<>((int) Math.min(count, 1 << 16));
        for (long j = 0; j < count; j++) {
            long p = table[0] + j * entrySize;
            long nameIndex = data.u32(p);
            int info = data.u8(p + headerSize(12, 4));
            int other = data.u8(p + headerSize(13, 5));
            int shndx = data.u16(p + headerSize(14, 6));
            long value = data.word(p + headerSize(4, 8), is64);
            long symbolSize = data.word(p + headerSize(8, 16), is64);
            byte[] name = stringEntry(stringsStart, stringsEnd, nameIndex);
            StructValue v = new StructValue();
            v.set("name", name);
            set(v, "bind", info >> 4);
            set(v, "type", info & 0xf);
            set(v, "shndx", shndx);
            set(v, "value", value);
            set(v, "size", symbolSize);
            values.add(v);
            symbols.add(new Symbol(name, info >> 4, info & 0xf, shndx, other & 3));
        }
        out.set(field, values);
        set(out, countField, count);
        return symbols;
    }

    /**
     * YARA's string table lookup: the table must start with NUL, the index must be a non-negative C int inside it,
     * and the name must end with a NUL before the table's end.
     */
    private byte[] stringEntry(long base, long limit, long index) throws IOException {
        if (Long.compareUnsigned(base, limit) >= 0 || data.u8(base) != 0 || index > Integer.MAX_VALUE) {
            return null;
        }
        long entry = base + index;
        if (Long.compareUnsigned(entry, limit) >= 0) {
            return null;
        }
        long nul = data.findNul(entry, limit);
        if (nul < 0 || nameBytes + (nul - entry) > NAME_BUDGET) {
            return null;
        }
        nameBytes += nul - entry;
        return data.bytes(entry, nul);
    }

    private void segments(long phOffset, int phCount) throws IOException {
        int ph = headerSize(32, 56);
        int dynEntry = headerSize(8, 16);
        List<Object> segments = new ArrayList<>(phCount);
        List<Object> dynamic = null;
        for (int i = 0; i < phCount; i++) {
            long p = phOffset + (long) i * ph;
            long type = data.u32(p);
            long offset = data.word(p + headerSize(4, 8), is64);
            StructValue segment = new StructValue();
            set(segment, "type", type);
            set(segment, "flags", data.u32(p + headerSize(24, 4)));
            set(segment, "offset", offset);
            set(segment, "virtual_address", data.word(p + headerSize(8, 16), is64));
            set(segment, "physical_address", data.word(p + headerSize(12, 24), is64));
            set(segment, "file_size", data.word(p + headerSize(16, 32), is64));
            set(segment, "memory_size", data.word(p + headerSize(20, 40), is64));
            set(segment, "alignment", data.word(p + headerSize(28, 48), is64));
            segments.add(segment);
            if (type == PT_DYNAMIC) {
                // later dynamic segments overwrite the entries of earlier ones from index 0, as in YARA
                if (dynamic == null) {
                    dynamic = new ArrayList<>();
                }
                long j = 0;
                while (Long.compareUnsigned(offset, size) <= 0 && validRange(offset + j * dynEntry, dynEntry)) {
                    long entry = offset + j * dynEntry;
                    long tag = data.word(entry, is64);
                    StructValue d = new StructValue();
                    set(d, "type", tag);
                    set(d, "val", data.word(entry + headerSize(4, 8), is64));
                    if (j < dynamic.size()) {
                        dynamic.set((int) j, d);
                    } else {
                        dynamic.add(d);
                    }
                    j++;
                    if (tag == 0) {
                        break;
                    }
                }
                set(out, "dynamic_section_entries", j);
            }
        }
        out.set("segments", segments);
        if (dynamic != null) {
            out.set("dynamic", dynamic);
        }
    }

    private static void set(StructValue v, String field, long value) {
        v.set(field, ScanRange.integer(value));
    }
}
