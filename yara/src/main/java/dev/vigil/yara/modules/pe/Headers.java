package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.StructValue;
import java.util.ArrayList;
import java.util.List;

/** File and optional header fields, data directories, section table, overlay, rich signature and PDB path. */
final class Headers {
    private static final int MAX_PATH = 4096;

    private Headers() {
    }

    private static StructValue version(long major, long minor) {
        return new StructValue().set("major", major).set("minor", minor);
    }

    static void parse(PeImage pe, StructValue out) {
        int nt = pe.ntOffset;
        int opt = pe.optOffset;
        boolean is64 = pe.is64;
        out.set("is_pe", 1L);
        out.set("machine", (long) pe.machine());
        out.set("number_of_sections", (long) pe.numberOfSections());
        out.set("timestamp", pe.u32(nt + 8));
        out.set("pointer_to_symbol_table", pe.pointerToSymbolTable());
        out.set("number_of_symbols", pe.numberOfSymbols());
        out.set("size_of_optional_header", (long) pe.sizeOfOptionalHeader());
        out.set("characteristics", (long) pe.characteristics());
        out.set("entry_point", pe.rvaToOffset(pe.entryPointRva()));
        out.set("entry_point_raw", pe.entryPointRva());
        out.set("image_base", pe.imageBase());
        out.set("number_of_rva_and_sizes", pe.numberOfRvaAndSizes());
        out.set("opthdr_magic", (long) pe.u16(opt));
        out.set("linker_version", version(pe.u8(opt + 2), pe.u8(opt + 3)));
        out.set("size_of_code", pe.u32(opt + 4));
        out.set("size_of_initialized_data", pe.u32(opt + 8));
        out.set("size_of_uninitialized_data", pe.u32(opt + 12));
        out.set("base_of_code", pe.u32(opt + 20));
        if (!is64) {
            out.set("base_of_data", pe.u32(opt + 24));
        }
        out.set("section_alignment", pe.sectionAlignment());
        out.set("file_alignment", pe.fileAlignment());
        out.set("os_version", version(pe.u16(opt + 40), pe.u16(opt + 42)));
        out.set("image_version", version(pe.u16(opt + 44), pe.u16(opt + 46)));
        out.set("subsystem_version", version(pe.u16(opt + 48), pe.u16(opt + 50)));
        out.set("win32_version_value", pe.u32(opt + 52));
        out.set("size_of_image", pe.sizeOfImage());
        out.set("size_of_headers", pe.u32(opt + 60));
        out.set("checksum", pe.u32(opt + 64));
        out.set("subsystem", (long) pe.u16(opt + 68));
        out.set("dll_characteristics", (long) pe.u16(opt + 70));
        if (is64) {
            out.set("size_of_stack_reserve", pe.u64(opt + 72));
            out.set("size_of_stack_commit", pe.u64(opt + 80));
            out.set("size_of_heap_reserve", pe.u64(opt + 88));
            out.set("size_of_heap_commit", pe.u64(opt + 96));
            out.set("loader_flags", pe.u32(opt + 104));
        } else {
            out.set("size_of_stack_reserve", pe.u32(opt + 72));
            out.set("size_of_stack_commit", pe.u32(opt + 76));
            out.set("size_of_heap_reserve", pe.u32(opt + 80));
            out.set("size_of_heap_commit", pe.u32(opt + 84));
            out.set("loader_flags", pe.u32(opt + 88));
        }
        List<Object> directories = new ArrayList<>();
        long count = Math.min(pe.numberOfRvaAndSizes(), 16);
        for (int i = 0; i < count; i++) {
            directories.add(new StructValue().set("virtual_address", pe.directoryRva(i))
                    .set("size", pe.directorySize(i)));
        }
        out.set("data_directories", directories);
    }

    static void sections(PeImage pe, StructValue out) {
        List<Object> sections = new ArrayList<>();
        long highestOffset = 0;
        long highestSize = 0;
        long at = pe.firstSectionOffset();
        int count = Math.min(pe.numberOfSections(), PeImage.MAX_SECTIONS);
        for (int i = 0; i < count && pe.fits(at, PeImage.SECTION_HEADER_SIZE); i++, at += 40) {
            int nameLength = 8;
            while (nameLength > 0 && pe.data[(int) at + nameLength - 1] == 0) {
                nameLength--;
            }
            byte[] name = pe.bytes(at, nameLength);
            long rawSize = pe.u32(at + 16);
            long rawOffset = pe.u32(at + 20);
            sections.add(new StructValue().set("name", name).set("full_name", fullName(pe, name))
                    .set("characteristics", pe.u32(at + 36)).set("raw_data_size", rawSize)
                    .set("raw_data_offset", rawOffset).set("virtual_address", pe.u32(at + 12))
                    .set("virtual_size", pe.u32(at + 8)).set("pointer_to_relocations", pe.u32(at + 24))
                    .set("pointer_to_line_numbers", pe.u32(at + 28))
                    .set("number_of_relocations", (long) pe.u16(at + 32))
                    .set("number_of_line_numbers", (long) pe.u16(at + 34)));
            if (rawOffset + rawSize > highestOffset + highestSize) {
                highestOffset = rawOffset;
                highestSize = rawSize;
            }
        }
        out.set("sections", sections);
        long end = highestOffset + highestSize;
        boolean overlay = end != 0 && pe.size > end;
        out.set("overlay", new StructValue().set("offset", overlay ? end : 0L).set("size",
                overlay ? pe.size - end : 0L));
    }

    /** A "/123" name refers to the COFF string table; anything else is its own full name. */
    private static byte[] fullName(PeImage pe, byte[] name) {
        long symbols = pe.pointerToSymbolTable();
        if (symbols == 0 || name.length == 0 || name[0] != '/') {
            return name;
        }
        long index = 0;
        for (int i = 1; i < 8 && i < name.length && name[i] >= '0' && name[i] <= '9'; i++) {
            index = index * 10 + (name[i] - '0');
        }
        long at = symbols + pe.numberOfSymbols() * 18 + index;
        for (long len = 0; pe.fits(at, len + 1); len++) {
            int c = pe.u8(at + len);
            if (c == 0) {
                return pe.bytes(at, (int) len);
            }
            if (c < 0x20 || c > 0x7e) {
                return null;
            }
        }
        return null;
    }

    static void richSignature(PeImage pe, StructValue out) {
        long lfanew = pe.ntOffset;
        if (lfanew > pe.size + 4L || lfanew < 4) {
            return;
        }
        long p = lfanew - 4;
        long rich = -1;
        long key = 0;
        for (; p >= 64; p--) {
            if (pe.fits(p, 8) && pe.u32(p) == 0x68636952L) {
                key = pe.u32(p + 4);
                rich = p;
                p--;
                break;
            }
        }
        if (key == 0) {
            return;
        }
        long dans = -1;
        for (; p >= 64; p--) {
            if ((pe.u32(p) ^ key) == 0x536e6144L) {
                dans = p;
                break;
            }
        }
        if (dans < 0) {
            return;
        }
        int length = (int) (rich - dans);
        byte[] raw = pe.bytes(dans, length);
        byte[] clear = raw.clone();
        for (int i = 0; i + 4 <= length; i += 4) {
            int x = PeImage.s32(clear, i) ^ (int) key;
            clear[i] = (byte) x;
            clear[i + 1] = (byte) (x >> 8);
            clear[i + 2] = (byte) (x >> 16);
            clear[i + 3] = (byte) (x >> 24);
        }
        StructValue r = new StructValue().set("offset", dans).set("length", (long) length).set("key", key)
                .set("raw_data", raw).set("clear_data", clear);
        if (length >= 16) {
            int entries = (length - 16) / 8;
            byte[] versions = new byte[entries * 4];
            for (int i = 0; i < entries; i++) {
                System.arraycopy(clear, 16 + 8 * i, versions, 4 * i, 4);
            }
            r.set("version_data", versions);
        }
        out.set("rich_signature", r);
    }

    static void pdbPath(PeImage pe, StructValue out) {
        long rva = pe.directoryRva(6);
        long size = pe.directorySize(6);
        if (size == 0 || rva == 0) {
            return;
        }
        long dir = pe.rvaToOffset(rva);
        if (dir < 0) {
            return;
        }
        long count = size / 28;
        for (long i = 0; i < count; i++) {
            long entry = dir + 28 * i;
            if (!pe.fits(entry, 28)) {
                break;
            }
            if (pe.u32(entry + 12) != 2) {
                continue;
            }
            long cv = 0;
            if (pe.u32(entry + 20) != 0) {
                cv = pe.rvaToOffset(pe.u32(entry + 20));
            }
            if (cv <= 0 && pe.u32(entry + 24) != 0) {
                cv = pe.u32(entry + 24);
            }
            if (cv <= 0 || !pe.fits(cv, 8)) {
                continue;
            }
            long signature = pe.u32(cv);
            long path = -1;
            if (signature == 0x3031424eL && pe.fits(cv, 17)) {
                path = cv + 16;
            } else if (signature == 0x53445352L && pe.fits(cv, 25)) {
                path = cv + 24;
            } else if (signature == 0x434f544dL && pe.fits(cv, 21)) {
                path = cv + 20;
            }
            if (path >= 0) {
                int length = pe.strnlen(path, MAX_PATH);
                if (length < MAX_PATH) {
                    out.set("pdb_path", pe.bytes(path, length));
                    break;
                }
            }
        }
    }
}
