package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.StructValue;
import java.util.ArrayList;
import java.util.List;

/** Standard and delay-load import tables, parsed with YARA's rules for what counts as a valid entry. */
final class Imports {
    static final int MAX_IMPORTS = 16384;
    /** YARA's delayed-import walk has no limit; this one stops a hostile table at a size no real file reaches. */
    static final int MAX_DELAYED_FUNCTIONS = 1 << 20;
    private static final long UNDEFINED = 0xFFFABADAFABADAFFL;

    /** One imported function; {@code name} null only for delayed imports YARA also leaves unnamed. */
    record Function(byte[] name, int ordinal, boolean hasOrdinal, long rva) {
    }

    record Dll(byte[] name, List<Function> functions) {
    }

    private Imports() {
    }

    static boolean validFunctionName(byte[] name) {
        if (name.length == 0) {
            return false;
        }
        for (byte b : name) {
            char c = (char) (b & 0xff);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || ".?_@$()<>".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** The NUL-terminated name at {@code offset} when it is a plausible DLL name shorter than {@code n} bytes. */
    static byte[] dllName(PeImage pe, long offset, long n) {
        int l = 0;
        while (l < n) {
            int c = pe.u8(offset + l);
            if (c == 0) {
                break;
            }
            if (c < ' ' || c > 0x7e || c == '"' || c == '*' || c == '<' || c == '>' || c == '?' || c == '|') {
                return null;
            }
            l++;
        }
        if (l == 0 || l >= n) {
            return null;
        }
        return pe.bytes(offset, l);
    }

    static List<Dll> parseStandard(PeImage pe, StructValue out) {
        out.set("number_of_imports", 0L).set("number_of_imported_functions", 0L);
        List<Dll> dlls = new ArrayList<>();
        long dirRva = pe.directoryRva(1);
        if (dirRva == 0) {
            return dlls;
        }
        long descriptor = pe.rvaToOffset(dirRva);
        if (descriptor < 0) {
            return dlls;
        }
        int[] functionCount = {0};
        int parsed = 0;
        for (; pe.fits(descriptor, 20) && pe.u32(descriptor + 12) != 0 && parsed < MAX_IMPORTS; descriptor += 20) {
            parsed++;
            long nameOffset = pe.rvaToOffset(pe.u32(descriptor + 12));
            if (nameOffset < 0) {
                continue;
            }
            byte[] name = dllName(pe, nameOffset, Math.min(pe.size - nameOffset, 256));
            if (name == null) {
                continue;
            }
            List<Function> functions = thunks(pe, descriptor, name, functionCount);
            if (!functions.isEmpty()) {
                dlls.add(new Dll(name, functions));
            }
        }
        out.set("number_of_imports", (long) dlls.size()).set("number_of_imported_functions", (long) functionCount[0]);
        out.set("import_details", details(dlls));
        return dlls;
    }

    private static List<Function> thunks(PeImage pe, long descriptor, byte[] dllName, int[] functionCount) {
        List<Function> functions = new ArrayList<>();
        long offset = pe.rvaToOffset(pe.u32(descriptor));
        if (offset <= 0) {
            offset = pe.rvaToOffset(pe.u32(descriptor + 16));
        }
        if (offset < 0) {
            return functions;
        }
        long firstThunk = pe.u32(descriptor + 16);
        int width = pe.is64 ? 8 : 4;
        int parsed = 0;
        for (long index = 0; pe.fits(offset, width); index++, offset += width) {
            long thunk = pe.is64 ? pe.u64(offset) : pe.u32(offset);
            // YARA bounds 64-bit tables per DLL and 32-bit ones by the running total.
            if (thunk == 0 || (pe.is64 ? parsed >= MAX_IMPORTS : functionCount[0] >= MAX_IMPORTS)) {
                break;
            }
            parsed++;
            byte[] name = null;
            int ordinal = 0;
            boolean hasOrdinal = false;
            boolean byOrdinal = pe.is64 ? thunk < 0 : (thunk & 0x80000000L) != 0;
            if (!byOrdinal) {
                long hint = pe.rvaToOffset(thunk);
                if (hint >= 0 && pe.fits(hint, 3)) {
                    name = pe.bytes(hint + 2, pe.strnlen(hint + 2, 512));
                }
            } else if (Long.compareUnsigned(thunk, pe.is64 ? 0x800000000000ffffL : 0x8000ffffL) <= 0) {
                ordinal = (int) (thunk & 0xffff);
                name = OrdinalNames.lookup(dllName, ordinal);
                hasOrdinal = true;
            }
            long rva = pe.is64 ? firstThunk + 8 * index : (firstThunk + 4 * index) & 0xffffffffL;
            if (name != null && !validFunctionName(name)) {
                continue;
            }
            if (name != null || hasOrdinal) {
                functions.add(new Function(name, ordinal, hasOrdinal, rva));
                functionCount[0]++;
            }
        }
        return functions;
    }

    private static long normalize(long imageBase, long va) {
        return va != 0 && Long.compareUnsigned(va, imageBase) > 0 ? va - imageBase : va;
    }

    private static long pointer(PeImage pe, long rva) {
        long offset = pe.rvaToOffset(rva);
        if (offset < 0 || !pe.fits(offset, pe.is64 ? 8 : 4)) {
            return UNDEFINED;
        }
        return pe.is64 ? pe.u64(offset) : pe.u32(offset);
    }

    static List<Dll> parseDelayed(PeImage pe, StructValue out) {
        out.set("number_of_delayed_imports", 0L).set("number_of_delayed_imported_functions", 0L);
        List<Dll> dlls = new ArrayList<>();
        long dirRva = pe.directoryRva(13);
        if (dirRva == 0) {
            return dlls;
        }
        long descriptor = pe.rvaToOffset(dirRva);
        if (descriptor < 0) {
            return dlls;
        }
        long imageBase = pe.imageBase();
        long sizeOfImage = pe.sizeOfImage();
        int width = pe.is64 ? 8 : 4;
        long ordinalFlag = pe.is64 ? Long.MIN_VALUE : 0x80000000L;
        long total = 0;
        for (; pe.fits(descriptor, 32); descriptor += 32) {
            boolean allZero = true;
            for (int i = 0; i < 32; i += 4) {
                allZero &= pe.u32(descriptor + i) == 0;
            }
            if (allZero) {
                break;
            }
            long attributes = pe.u32(descriptor);
            long dllNameRva = pe.u32(descriptor + 4);
            long iatRva = pe.u32(descriptor + 12);
            long intRva = pe.u32(descriptor + 16);
            if (attributes > 1) {
                break;
            }
            if (!pe.is64 && attributes == 0) {
                dllNameRva = normalize(imageBase, dllNameRva) & 0xffffffffL;
                iatRva = normalize(imageBase, iatRva) & 0xffffffffL;
                intRva = normalize(imageBase, intRva) & 0xffffffffL;
            }
            if (intRva >= sizeOfImage || iatRva >= sizeOfImage || dllNameRva < 64 || intRva < 64) {
                break;
            }
            long nameOffset = pe.rvaToOffset(dllNameRva);
            byte[] dllName = nameOffset < 0 ? null : dllName(pe, nameOffset, pe.size - nameOffset);
            if (dllName == null) {
                continue;
            }
            List<Function> functions = new ArrayList<>();
            long nameRva = intRva;
            long funcRva = iatRva;
            while (total < MAX_DELAYED_FUNCTIONS) {
                long nameAddress = pointer(pe, nameRva);
                long funcAddress = pointer(pe, funcRva);
                if (nameAddress == UNDEFINED || funcAddress == UNDEFINED || nameAddress == 0 || funcAddress == 0) {
                    break;
                }
                byte[] name;
                boolean hasOrdinal = false;
                if ((nameAddress & ordinalFlag) == 0) {
                    if (attributes == 0) {
                        nameAddress = normalize(imageBase, nameAddress);
                    }
                    long offset = pe.rvaToOffset(nameAddress + 2);
                    if (offset < 0) {
                        nameRva += width;
                        funcRva += width;
                        continue;
                    }
                    name = pe.bytes(offset, pe.strnlen(offset, 512));
                } else {
                    name = OrdinalNames.lookup(dllName, (int) (nameAddress & 0xffff));
                    hasOrdinal = true;
                }
                functions.add(new Function(name, hasOrdinal ? (int) (nameAddress & 0xffff) : 0, hasOrdinal, funcRva));
                total++;
                nameRva += width;
                funcRva += width;
            }
            dlls.add(new Dll(dllName, functions));
        }
        out.set("number_of_delayed_imports", (long) dlls.size()).set("number_of_delayed_imported_functions", total);
        out.set("delayed_import_details", details(dlls));
        return dlls;
    }

    private static List<Object> details(List<Dll> dlls) {
        List<Object> list = new ArrayList<>(dlls.size());
        for (Dll dll : dlls) {
            List<Object> functions = new ArrayList<>(dll.functions().size());
            for (Function f : dll.functions()) {
                functions.add(new StructValue().set("name", f.name())
                        .set("ordinal", f.hasOrdinal() ? Long.valueOf(f.ordinal()) : null)
                        .set("rva", f.rva() != 0 ? Long.valueOf(f.rva()) : null));
            }
            list.add(new StructValue().set("library_name", dll.name())
                    .set("number_of_functions", (long) dll.functions().size()).set("functions", functions));
        }
        return list;
    }
}
