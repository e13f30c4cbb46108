package dev.vigil.engine.exe;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;

import static dev.vigil.engine.exe.HeaderBytes.U32;

/**
 * The file offsets of a PE's version-information strings, where ClamAV lets {@code VI} signatures start
 * (libclamav/pe.c, version-info part of {@code cli_peheader}): up to 16 {@code RT_VERSION} resources, each parsed as
 * {@code VS_VERSIONINFO} → {@code StringFileInfo} → string tables → strings; the offset of each string's key (just
 * after its 6-byte header) is recorded when the string has a non-empty value.
 */
final class PeVersionInfo {
    private static final int RT_VERSION = 0x10;
    private static final int MAX_RESOURCES = 16;
    /** Directory entries visited at most; ClamAV has no bound, which hostile files could stretch to 2^32 steps. */
    private static final int MAX_ENTRIES_VISITED = 1 << 20;
    private static final int FIXED_HEADER = 6 + 0x20 + 2 + 0x34;
    private static final byte[] VS_VERSION_INFO = utf16z("VS_VERSION_INFO");
    private static final byte[] VAR_FILE_INFO = utf16z("VarFileInfo");
    private static final byte[] STRING_FILE_INFO = utf16z("StringFileInfo");

    private PeVersionInfo() {
    }

    private static byte[] utf16z(String s) {
        byte[] out = new byte[(s.length() + 1) * 2];
        for (int i = 0; i < s.length(); i++) {
            out[2 * i] = (byte) s.charAt(i);
        }
        return out;
    }

    /** Sorted offsets; empty when there is no usable version information. */
    static long[] offsets(ScanInput in, long resourceRva, List<Section> sections, long headerSize)
            throws IOException {
        long fileSize = in.size();
        long[] resources = versionResources(in, resourceRva, sections, headerSize, fileSize);
        TreeSet<Long> found = new TreeSet<>();
        for (long entryRva : resources) {
            long entry = PeParser.entryFileOffset(entryRva, sections, fileSize, headerSize);
            if (entry < 0) {
                continue;
            }
            byte[] dataEntry = HeaderBytes.read(in, entry, 16);
            if (dataEntry == null) {
                continue;
            }
            long dataRva = HeaderBytes.u32le(dataEntry, 0);
            long dataSize = HeaderBytes.u32le(dataEntry, 4);
            long data = PeParser.entryFileOffset(dataRva, sections, fileSize, headerSize);
            if (data < 0 || dataSize > fileSize - data) {
                continue; // ClamAV needs the whole resource inside the file
            }
            // Every size below is 16 bits wide, so nothing past 64 KiB (plus a little read-ahead) is ever looked at.
            byte[] window = in.readFully(data, (int) Math.min(dataSize + 16, 0x10000 + 64));
            parse(window, dataSize, data, found);
        }
        long[] out = new long[found.size()];
        int i = 0;
        for (long v : found) {
            out[i++] = v;
        }
        return out;
    }

    /** The RVAs of the language entries under the {@code RT_VERSION} type, as ClamAV's {@code findres} walks them. */
    private static long[] versionResources(ScanInput in, long resourceRva, List<Section> sections, long headerSize,
                                           long fileSize) throws IOException {
        long[] rvas = new long[MAX_RESOURCES];
        int count = 0;
        int budget = MAX_ENTRIES_VISITED;
        long root = PeParser.entryFileOffset(resourceRva, sections, fileSize, headerSize);
        byte[] dir = root < 0 ? null : HeaderBytes.read(in, root, 16);
        if (dir == null) {
            return new long[0];
        }
        // Skip the named type entries: RT_VERSION is an ID entry.
        long typeEntry = root + 16 + HeaderBytes.u16le(dir, 12) * 8L;
        int typeCount = HeaderBytes.u16le(dir, 14);
        for (int t = 0; t < typeCount && budget-- > 0; t++, typeEntry += 8) {
            byte[] e = HeaderBytes.read(in, typeEntry, 8);
            if (e == null) {
                return Arrays.copyOf(rvas, count);
            }
            long type = HeaderBytes.u32le(e, 0);
            long typeOffset = HeaderBytes.u32le(e, 4);
            if (type != RT_VERSION || (typeOffset >>> 31) == 0) {
                continue;
            }
            long names = subdirectory(in, resourceRva, typeOffset, sections, headerSize, fileSize);
            if (names < 0) {
                return Arrays.copyOf(rvas, count);
            }
            byte[] nameDir = HeaderBytes.read(in, names, 16);
            int nameCount = (HeaderBytes.u16le(nameDir, 12) + HeaderBytes.u16le(nameDir, 14)) & 0xffff;
            long nameEntry = names + 16;
            for (int n = 0; n < nameCount && budget-- > 0; n++, nameEntry += 8) {
                byte[] ne = HeaderBytes.read(in, nameEntry, 8);
                if (ne == null) {
                    return Arrays.copyOf(rvas, count);
                }
                long nameOffset = HeaderBytes.u32le(ne, 4);
                if ((nameOffset >>> 31) == 0) {
                    continue;
                }
                long langs = subdirectory(in, resourceRva, nameOffset, sections, headerSize, fileSize);
                if (langs < 0) {
                    return Arrays.copyOf(rvas, count);
                }
                byte[] langDir = HeaderBytes.read(in, langs, 16);
                int langCount = (HeaderBytes.u16le(langDir, 12) + HeaderBytes.u16le(langDir, 14)) & 0xffff;
                long langEntry = langs + 16;
                for (int l = 0; l < langCount && budget-- > 0; l++, langEntry += 8) {
                    byte[] le = HeaderBytes.read(in, langEntry, 8);
                    if (le == null) {
                        return Arrays.copyOf(rvas, count);
                    }
                    long langOffset = HeaderBytes.u32le(le, 4);
                    if ((langOffset >>> 31) == 0) {
                        rvas[count++] = (resourceRva + langOffset) & U32;
                        if (count == MAX_RESOURCES) {
                            return rvas;
                        }
                    }
                }
            }
            // ClamAV looks at the first RT_VERSION type entry only.
            return Arrays.copyOf(rvas, count);
        }
        return Arrays.copyOf(rvas, count);
    }

    /** File offset of a 16-byte subdirectory header, or -1 when it cannot be read (ClamAV then stops the walk). */
    private static long subdirectory(ScanInput in, long resourceRva, long offset, List<Section> sections,
                                     long headerSize, long fileSize) throws IOException {
        long rva = (resourceRva + (offset & 0x7fffffffL)) & U32;
        long at = PeParser.entryFileOffset(rva, sections, fileSize, headerSize);
        return at >= 0 && HeaderBytes.read(in, at, 16) != null ? at : -1;
    }

    /** Walks one VS_VERSIONINFO block ({@code w} holds the resource from file offset {@code base}). */
    private static void parse(byte[] w, long resourceSize, long base, TreeSet<Long> found) {
        long remaining = resourceSize;
        if (remaining <= 4) {
            return;
        }
        int p = 0;
        long word = u32(w, p);
        long infoSize = word & 0xffff;
        long valueSize = word >>> 16;
        if (infoSize > remaining || infoSize <= FIXED_HEADER || valueSize != 0x34
                || !regionEquals(w, p + 6, VS_VERSION_INFO) || u32(w, p + 0x28) != 0xfeef04bdL) {
            return;
        }
        p += FIXED_HEADER;
        infoSize -= FIXED_HEADER;
        boolean sawVarFileInfo = false;
        while (infoSize > 6) {
            long blockSize = u32(w, p) & 0xffff;
            if (blockSize > infoSize) {
                return;
            }
            if (!sawVarFileInfo && blockSize > 6 + 0x18 && regionEquals(w, p + 6, VAR_FILE_INFO)) {
                p += (int) blockSize;
                infoSize -= blockSize;
                sawVarFileInfo = true;
                continue;
            }
            if (blockSize <= 6 + 0x1e || !regionEquals(w, p + 6, STRING_FILE_INFO)) {
                return;
            }
            p += 6 + 0x1e;
            long tablesLeft = blockSize - (6 + 0x1e);
            while (tablesLeft > 6) {
                long tableSize = u32(w, p) & 0xffff;
                int nextTable = p + (int) tableSize;
                long nextLeft = tablesLeft - tableSize;
                if (tableSize > tablesLeft || tableSize <= 24) {
                    return;
                }
                p += 24;
                long stringsLeft = tableSize - 24;
                while (stringsLeft > 6) {
                    long stringSize = ((u32(w, p) & 0xffff) + 3) & ~3L;
                    if (stringSize > stringsLeft || stringSize <= 6 + 2 + 8) {
                        stringsLeft = 0;
                        tablesLeft = 0;
                        break;
                    }
                    int keyEnd = 6;
                    while (keyEnd + 1 < stringSize) {
                        if (at(w, p + keyEnd) == 0 && at(w, p + keyEnd + 1) == 0) {
                            keyEnd += 2;
                            break;
                        }
                        keyEnd += 2;
                    }
                    long keySize = (keyEnd + 3) & ~3L;
                    if (keySize < stringSize && stringSize - keySize > 2) {
                        found.add(base + p + 6);
                    }
                    p += (int) stringSize;
                    stringsLeft -= stringSize;
                }
                p = nextTable;
                tablesLeft = tablesLeft == 0 ? 0 : nextLeft;
            }
            return;
        }
    }

    /** A byte of the window; bytes past it read as 0 (ClamAV may read a few bytes beyond the resource). */
    private static int at(byte[] w, int i) {
        return i >= 0 && i < w.length ? w[i] & 0xff : 0;
    }

    private static long u32(byte[] w, int i) {
        return at(w, i) | (at(w, i + 1) << 8) | (at(w, i + 2) << 16) | ((long) at(w, i + 3) << 24);
    }

    private static boolean regionEquals(byte[] w, int off, byte[] expected) {
        for (int i = 0; i < expected.length; i++) {
            if (at(w, off + i) != (expected[i] & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
