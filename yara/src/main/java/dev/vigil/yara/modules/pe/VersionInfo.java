package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.StructValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The StringFileInfo pairs of a VS_VERSION_INFO resource, read as YARA does: keys and values keep the low byte of
 * each UTF-16 unit up to the first unit whose low byte is zero, truncated to 63 and 255 bytes.
 */
final class VersionInfo {
    private static final int HEADER = 6;

    private VersionInfo() {
    }

    /** Advances by {@code delta} rounded up to a multiple of four, as YARA's version-info walk does. */
    private static long step(long at, long delta) {
        return at + ((delta + 3) & ~3L);
    }

    private static boolean keyIs(PeImage pe, long key, String expected) {
        if (!pe.fits(key, (expected.length() + 1) * 2L)) {
            return false;
        }
        int i = 0;
        for (; i < expected.length(); i++) {
            if (pe.u8(key + 2L * i) != expected.charAt(i) || pe.u8(key + 2L * i + 1) != 0) {
                break;
            }
        }
        if (i < expected.length()) {
            return false;
        }
        return pe.u8(key + 2L * i) == 0 && pe.u8(key + 2L * i + 1) == 0;
    }

    /** Whether a UTF-16 NUL terminates the string at {@code at} inside the data. */
    private static boolean wideStringFits(PeImage pe, long at) {
        long space = pe.available(at);
        for (long i = 0; space >= 2; i += 2, space -= 2) {
            if (pe.u8(at + i) == 0 && pe.u8(at + i + 1) == 0) {
                return true;
            }
        }
        return false;
    }

    /** Length in UTF-16 units up to the terminator (which {@link #wideStringFits} guaranteed). */
    private static long wideLength(PeImage pe, long at) {
        long n = 0;
        while (pe.u8(at + 2 * n) != 0 || pe.u8(at + 2 * n + 1) != 0) {
            n++;
        }
        return n;
    }

    private static String narrow(PeImage pe, long at, int capacity) {
        StringBuilder b = new StringBuilder();
        for (long s = at; b.length() < capacity - 1 && pe.fits(s, 1) && pe.u8(s) != 0; s += 2) {
            b.append((char) pe.u8(s));
        }
        return b.toString();
    }

    static void parse(PeImage pe, long rva, Map<String, Object> dict, List<Object> list) {
        long info = pe.rvaToOffset(rva);
        if (info < 0 || !pe.fits(info, HEADER) || !keyIs(pe, info + HEADER, "VS_VERSION_INFO")) {
            return;
        }
        info = step(info, HEADER + 86);
        while (keyIs(pe, info + HEADER, "VarFileInfo") && pe.u16(info) != 0) {
            info = step(info, pe.u16(info));
        }
        while (keyIs(pe, info + HEADER, "StringFileInfo") && pe.u16(info) != 0) {
            long table = step(info, HEADER + 30);
            info = step(info, pe.u16(info));
            while (pe.fits(table, HEADER) && wideStringFits(pe, table + HEADER) && pe.u16(table) != 0
                    && table < info) {
                long string = step(table, HEADER + 2 * (wideLength(pe, table + HEADER) + 1));
                table = step(table, pe.u16(table));
                while (pe.fits(string, HEADER) && wideStringFits(pe, string + HEADER) && pe.u16(string) != 0
                        && string < table) {
                    long value = step(string, HEADER + 2 * (wideLength(pe, string + HEADER) + 1));
                    if (wideStringFits(pe, value)) {
                        String key = narrow(pe, string + HEADER, 64);
                        String text = pe.u16(string + 2) == 0 ? "" : narrow(pe, value, 256);
                        byte[] v = text.getBytes(StandardCharsets.ISO_8859_1);
                        dict.put(key, v);
                        list.add(new StructValue().set("key", key.getBytes(StandardCharsets.ISO_8859_1))
                                .set("value", v));
                    }
                    string = step(string, pe.u16(string));
                }
            }
        }
    }
}
