package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static dev.vigil.engine.exe.HeaderBytes.u32le;

/**
 * The text ClamAV hashes for import-table ({@code .imp}) signatures (libclamav/pe.c, {@code hash_imptbl}): for each
 * import descriptor and each of its thunks, {@code dll.function} in lower case, joined by commas, where the DLL name
 * loses a {@code .dll}/{@code .ocx}/{@code .sys} extension and ordinal imports are named from a small table
 * (ws2_32/wsock32, oleaut32) or {@code ordN}. The signature size is the length of that text.
 * <p>
 * ClamAV's quirks are kept because they decide which files get a hash: DLL names are not validated, a function name
 * with a character outside {@code [0-9A-Za-z_.]} voids the whole hash, a 32-bit thunk whose name RVA maps nowhere
 * reads its name at file offset 2, and a name that lies within 258 bytes of the end of the file is skipped.
 */
final class PeImports {
    private static final int DESCRIPTOR_SIZE = 20;
    /** ClamAV's cap on import descriptors. */
    private static final int MAX_DESCRIPTORS = 1024;
    private static final int MAX_NAME = 256;
    private static final long ORDINAL_FLAG = 0x80000000L;
    /** Thunks looked at in all; ClamAV has no bound, so a hostile file could make it hash gigabytes. */
    private static final int MAX_THUNKS = 1 << 20;
    /** Longest text produced; beyond it the file gets no import hash. */
    private static final int MAX_TEXT = 16 << 20;

    private static final String[] WS2_32 = ordinalNames("ordinals-ws2_32.txt");
    private static final String[] OLEAUT32 = ordinalNames("ordinals-oleaut32.txt");
    private static final byte[] WS2_32_DLL = ascii("ws2_32.dll");
    private static final byte[] WSOCK32_DLL = ascii("wsock32.dll");
    private static final byte[] OLEAUT32_DLL = ascii("oleaut32.dll");

    private PeImports() {
    }

    /**
     * The hashed text, or null when ClamAV computes no import hash for this file (no import directory, PE32+, or a
     * descriptor or function name it rejects). Empty when the import table names no function.
     */
    static byte[] digestInput(ScanInput in, PeParser.Headers h) throws IOException {
        // ClamAV stops scanning PE32+ files before it reaches the import table.
        if (h == null || h.pe32Plus()) {
            return null;
        }
        long dirRva = h.directoryRva(1);
        long dirSize = h.directorySize(1);
        if (dirRva == 0 || dirSize == 0) {
            return null;
        }
        long fileSize = in.size();
        List<Section> sections = h.sections();
        long table = PeParser.entryFileOffset(dirRva, sections, fileSize, h.headerSize());
        if (table < 0 || table + dirSize > fileSize) {
            return null;
        }
        Text out = new Text();
        int thunks = 0;
        long left = dirSize;
        for (int n = 0; left > DESCRIPTOR_SIZE && n < MAX_DESCRIPTORS; n++, left -= DESCRIPTOR_SIZE) {
            byte[] d = HeaderBytes.read(in, table + (long) n * DESCRIPTOR_SIZE, DESCRIPTOR_SIZE);
            if (d == null) {
                return null;
            }
            long nameRva = u32le(d, 12);
            if (nameRva == 0) {
                break;
            }
            long nameAt = rawAddress(nameRva, h, fileSize);
            if (nameAt < 0 || nameAt >= fileSize) {
                return null;
            }
            byte[] dll = cString(in, nameAt, (int) Math.min(MAX_NAME, fileSize - nameAt));

            long originalThunks = u32le(d, 0);
            long thunk = originalThunks != 0 ? rawAddress(originalThunks, h, fileSize) : -1;
            if (thunk <= 0) {
                thunk = rawAddress(u32le(d, 16), h, fileSize);
                if (thunk < 0) {
                    return null;
                }
            }
            int dllLength = -1;
            while (true) {
                byte[] t = HeaderBytes.read(in, thunk, 4);
                if (t == null) {
                    break;
                }
                long value = u32le(t, 0);
                if (value == 0) {
                    break;
                }
                if (++thunks > MAX_THUNKS) {
                    return null;
                }
                thunk += 4;
                byte[] function = (value & ORDINAL_FLAG) == 0
                        ? functionName(in, value, h, fileSize)
                        : ordinalName(dll, (int) (value & 0xffff));
                if (function == null) {
                    continue;
                }
                if (dllLength < 0) {
                    dllLength = stemLength(dll);
                }
                if (!validName(function) || !out.append(dll, dllLength, function)) {
                    return null;
                }
            }
        }
        return out.toArray();
    }

    /** ClamAV's {@code cli_rawaddr}: the file offset of an RVA, or -1. */
    private static long rawAddress(long rva, PeParser.Headers h, long fileSize) {
        return PeParser.entryFileOffset(rva, h.sections(), fileSize, h.headerSize());
    }

    /** The name after the 2-byte hint, or null where ClamAV's bounded read of it fails. */
    private static byte[] functionName(ScanInput in, long rva, PeParser.Headers h, long fileSize) throws IOException {
        long at = rawAddress(rva, h, fileSize);
        if (at < 0) {
            at = 0; // ClamAV checks the wrong error flag here and goes on with the 0 an unmapped RVA yields
        }
        long length = at <= fileSize ? Math.min(MAX_NAME, fileSize - at) : MAX_NAME;
        if (length == 0 || at + 2 + length > fileSize) {
            return null;
        }
        return cString(in, at + 2, (int) length);
    }

    private static byte[] cString(ScanInput in, long at, int max) throws IOException {
        byte[] b = in.readFully(at, max);
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return end == b.length ? b : Arrays.copyOf(b, end);
    }

    /** The DLL name's length without a {@code .dll}, {@code .ocx} or {@code .sys} extension at its first dot. */
    private static int stemLength(byte[] dll) {
        for (int i = 0; i < dll.length; i++) {
            if (dll[i] == '.') {
                return startsWithIgnoreCase(dll, i, ascii(".dll")) || startsWithIgnoreCase(dll, i, ascii(".ocx"))
                        || startsWithIgnoreCase(dll, i, ascii(".sys")) ? i : dll.length;
            }
        }
        return dll.length;
    }

    private static boolean validName(byte[] name) {
        for (byte c : name) {
            boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'
                    || c == '.';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static byte[] ordinalName(byte[] dll, int ordinal) {
        String[] table = null;
        if (startsWithIgnoreCase(dll, 0, WS2_32_DLL) || startsWithIgnoreCase(dll, 0, WSOCK32_DLL)) {
            table = WS2_32;
        } else if (startsWithIgnoreCase(dll, 0, OLEAUT32_DLL)) {
            table = OLEAUT32;
        }
        String name = table != null && ordinal < table.length ? table[ordinal] : null;
        return ascii(name != null ? name : "ord" + ordinal);
    }

    private static boolean startsWithIgnoreCase(byte[] s, int from, byte[] prefix) {
        if (s.length - from < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (lower(s[from + i]) != lower(prefix[i])) {
                return false;
            }
        }
        return true;
    }

    private static byte lower(byte c) {
        return c >= 'A' && c <= 'Z' ? (byte) (c + 32) : c;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String[] ordinalNames(String resource) {
        try (InputStream s = PeImports.class.getResourceAsStream(resource)) {
            if (s == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            String[] names = new String[0];
            BufferedReader r = new BufferedReader(new InputStreamReader(s, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int space = line.indexOf(' ');
                int ordinal = Integer.parseInt(line.substring(0, space));
                if (ordinal >= names.length) {
                    names = Arrays.copyOf(names, ordinal + 1);
                }
                names[ordinal] = line.substring(space + 1);
            }
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The growing text, bounded by {@link #MAX_TEXT}. */
    private static final class Text {
        private byte[] b = new byte[256];
        private int n;

        /** Appends {@code [,]dll.function} in lower case; false once the text would grow past its bound. */
        boolean append(byte[] dll, int dllLength, byte[] function) {
            long need = (long) n + 2 + dllLength + function.length;
            if (need > MAX_TEXT) {
                return false;
            }
            if (need > b.length) {
                b = Arrays.copyOf(b, (int) Math.min(MAX_TEXT, Math.max(need, 2L * b.length)));
            }
            if (n > 0) {
                b[n++] = ',';
            }
            for (int i = 0; i < dllLength; i++) {
                b[n++] = lower(dll[i]);
            }
            b[n++] = '.';
            for (byte c : function) {
                b[n++] = lower(c);
            }
            return true;
        }

        byte[] toArray() {
            return Arrays.copyOf(b, n);
        }
    }
}
