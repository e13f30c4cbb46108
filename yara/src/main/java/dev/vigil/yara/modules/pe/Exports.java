package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.StructValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The export directory: DLL name, timestamp and one entry per exported address (ordinal, rva, name, forwarder). */
final class Exports {
    static final int MAX_EXPORTS = 16384;
    private static final int MAX_NAME = 512;

    private Exports() {
    }

    static void parse(PeImage pe, StructValue out) {
        out.set("number_of_exports", 0L);
        long dirRva = pe.directoryRva(0);
        if (dirRva == 0) {
            return;
        }
        long start = pe.rvaToOffset(dirRva);
        if (start < 0) {
            return;
        }
        long exportSize = pe.directorySize(0);
        if (!pe.fits(start, 40)) {
            return;
        }
        int count = (int) Math.min(pe.u32(start + 20), MAX_EXPORTS);
        long base = pe.u32(start + 16);
        out.set("export_timestamp", pe.u32(start + 4));
        long offset = pe.rvaToOffset(pe.u32(start + 12));
        if (offset > 0) {
            out.set("dll_name", pe.bytes(offset, pe.strnlen(offset, Long.MAX_VALUE)));
        }
        // YARA checks the address table size against the space after the name (or after -1 when there is none).
        if (4L * count > pe.size - offset) {
            return;
        }
        long numberOfNames = pe.u32(start + 24);
        long names = -1;
        if (numberOfNames > 0) {
            names = pe.rvaToOffset(pe.u32(start + 32));
            if (names < 0 || 4 * numberOfNames > pe.size - names) {
                return;
            }
        }
        long ordinals = pe.rvaToOffset(pe.u32(start + 36));
        if (ordinals < 0 || pe.available(ordinals) < 2L * count) {
            return;
        }
        long functions = pe.rvaToOffset(pe.u32(start + 28));
        if (functions < 0 || pe.available(functions) < 4L * count) {
            return;
        }
        int namedCount = (int) Math.min(numberOfNames, count);
        // For each address index, the first name slot whose ordinal points at it (YARA's quadratic search).
        int[] nameSlot = new int[count];
        Arrays.fill(nameSlot, -1);
        if (names >= 0) {
            for (int j = namedCount - 1; j >= 0; j--) {
                int target = pe.u16(ordinals + 2L * j);
                if (target < count) {
                    nameSlot[target] = j;
                }
            }
        }
        List<Object> details = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StructValue e = new StructValue();
            e.set("ordinal", (base + i) & 0xffffffffL);
            long rva = pe.u32(functions + 4L * i);
            e.set("rva", rva);
            long at = pe.rvaToOffset(rva);
            if (at > start && at < start + exportSize) {
                e.set("forward_name", pe.bytes(at, Math.min(pe.strnlen(at, Long.MAX_VALUE), MAX_NAME)));
            } else {
                e.set("offset", at < 0 ? null : Long.valueOf(at));
            }
            if (nameSlot[i] >= 0) {
                long nameAt = pe.rvaToOffset(pe.u32(names + 4L * nameSlot[i]));
                if (nameAt > 0) {
                    e.set("name", pe.bytes(nameAt, Math.min(pe.strnlen(nameAt, Long.MAX_VALUE), MAX_NAME)));
                }
            }
            details.add(e);
        }
        out.set("export_details", details);
        out.set("number_of_exports", (long) count);
    }
}
