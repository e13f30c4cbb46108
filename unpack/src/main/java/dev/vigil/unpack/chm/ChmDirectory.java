package dev.vigil.unpack.chm;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The directory of a CHM file (ITSF header, ITSP directory header, PMGL listing chunks), read as libmspack reads it
 * for ClamAV: every PMGL chunk from the first to the last listed, entries of ENCINT-coded name length, section,
 * offset and length. System entries ({@code ::...}) are kept apart from the files. A damaged entry ends its chunk;
 * the entries read before it still count.
 */
record ChmDirectory(long contentStart, long declaredLength, List<Entry> files, Map<String, Entry> systemFiles,
                    boolean damaged) {

    static final String CONTENT = "::DataSpace/Storage/MSCompressed/Content";
    static final String CONTROL = "::DataSpace/Storage/MSCompressed/ControlData";
    static final String SPAN_INFO = "::DataSpace/Storage/MSCompressed/SpanInfo";
    static final String RESET_TABLE = "::DataSpace/Storage/MSCompressed/Transform/"
            + "{7FC28940-9D31-11D0-9B27-00A0C91E9C7C}/InstanceData/ResetTable";

    private static final byte[] GUIDS = {
            0x10, (byte) 0xFD, 0x01, 0x7C, (byte) 0xAA, 0x7B, (byte) 0xD0, 0x11,
            (byte) 0x9E, 0x0C, 0x00, (byte) 0xA0, (byte) 0xC9, 0x22, (byte) 0xE6, (byte) 0xEC,
            0x11, (byte) 0xFD, 0x01, 0x7C, (byte) 0xAA, 0x7B, (byte) 0xD0, 0x11,
            (byte) 0x9E, 0x0C, 0x00, (byte) 0xA0, (byte) 0xC9, 0x22, (byte) 0xE6, (byte) 0xEC};
    private static final int HEADER = 0x38;
    private static final int SECTION_TABLE = 0x28;
    private static final int HS0 = 0x18;
    private static final int HS1 = 0x54;
    private static final int PMGL_ENTRIES = 0x14;
    private static final int MAX_CHUNKS = 100_000;
    private static final int MAX_CHUNK_SIZE = 8192;

    /** One directory entry: section 0 is stored, section 1 the LZX-compressed content. */
    record Entry(String name, int section, long offset, long length) {
    }

    static ChmDirectory read(ScanInput in, int maxEntries) throws IOException {
        byte[] h = in.readFully(0, HEADER + SECTION_TABLE);
        if (h.length < HEADER + SECTION_TABLE || u32(h, 0) != 0x46535449L
                || !Arrays.equals(h, 0x18, 0x38, GUIDS, 0, 32)) {
            throw new UnpackException("not a CHM file");
        }
        long version = u32(h, 4);
        long hs0 = i64(h, HEADER);
        long dirOffset = i64(h, HEADER + 0x10);
        long contentStart = i64(h, HEADER + 0x20);
        byte[] s0 = in.readFully(hs0, HS0);
        if (hs0 < 0 || s0.length < HS0) {
            throw new UnpackException("CHM header section 0 missing");
        }
        long length = i64(s0, 8);
        byte[] s1 = in.readFully(dirOffset, HS1);
        if (dirOffset < 0 || s1.length < HS1) {
            throw new UnpackException("CHM directory header missing");
        }
        dirOffset += HS1;
        long chunkSize = u32(s1, 0x10);
        long indexRoot = u32(s1, 0x1c);
        long firstPmgl = u32(s1, 0x20);
        long lastPmgl = u32(s1, 0x24);
        long numChunks = u32(s1, 0x2c);
        if (version < 3) {
            contentStart = dirOffset + chunkSize * numChunks;
        }
        if (contentStart < 0 || contentStart > length) {
            throw new UnpackException("CHM content starts after the declared end");
        }
        if (chunkSize < PMGL_ENTRIES + 2 || numChunks == 0 || numChunks > MAX_CHUNKS || chunkSize > MAX_CHUNK_SIZE
                || chunkSize * numChunks > length || firstPmgl > lastPmgl
                || indexRoot != 0xffffffffL && indexRoot >= numChunks) {
            throw new UnpackException("CHM directory header out of range");
        }
        List<Entry> files = new ArrayList<>();
        Map<String, Entry> system = new HashMap<>();
        boolean damaged = false;
        long at = dirOffset + firstPmgl * chunkSize;
        int size = (int) chunkSize;
        int entries = 0;
        for (long c = firstPmgl; c <= lastPmgl; c++, at += size) {
            byte[] chunk = in.readFully(at, size);
            if (chunk.length < size) {
                // libmspack gives up on the whole file when a listed chunk cannot be read
                throw new UnpackException("CHM directory chunk " + c + " truncated");
            }
            if (u32(chunk, 0) != 0x4c474d50L) {
                continue;
            }
            int end = size - 2;
            int count = u16(chunk, end);
            int[] p = {PMGL_ENTRIES};
            for (int e = 0; e < count; e++) {
                long nameLength = encint(chunk, p, end) & 0xffffffffL;
                if (nameLength < 0 || p[0] < 0 || nameLength > end - p[0]) {
                    damaged = true;
                    break;
                }
                int nameAt = p[0];
                p[0] += (int) nameLength;
                long section = encint(chunk, p, end) & 0xffffffffL;
                long offset = encint(chunk, p, end);
                long len = encint(chunk, p, end);
                if (p[0] < 0) {
                    damaged = true;
                    break;
                }
                if (nameLength < 2 || chunk[nameAt] == 0 || chunk[nameAt + 1] == 0) {
                    continue;
                }
                if (offset == 0 && len == 0 && chunk[nameAt + (int) nameLength - 1] == '/') {
                    continue; // a directory
                }
                if (section > 1) {
                    continue;
                }
                String name = new String(chunk, nameAt, (int) nameLength, StandardCharsets.UTF_8);
                Entry entry = new Entry(name, (int) section, offset, len);
                if (name.startsWith("::")) {
                    system.put(name, entry); // the last one listed wins, as in libmspack
                } else if (files.size() < maxEntries) {
                    files.add(entry);
                }
                if (++entries > MAX_CHUNKS * 64) {
                    throw new UnpackException("CHM directory lists too many entries");
                }
            }
        }
        if (damaged && files.isEmpty() && system.isEmpty()) {
            throw new UnpackException("CHM directory damaged");
        }
        return new ChmDirectory(contentStart, length, files, system, damaged);
    }

    /** A variable-length big-endian integer, 7 bits a byte; sets {@code p[0]} to -1 when it is malformed. */
    private static long encint(byte[] b, int[] p, int end) {
        if (p[0] < 0) {
            return 0;
        }
        long v = 0;
        int c = 0x80;
        int i = 0;
        while ((c & 0x80) != 0 && i++ < 9) {
            if (p[0] >= end) {
                p[0] = -1;
                return 0;
            }
            c = b[p[0]++] & 0xff;
            v = v << 7 | c & 0x7f;
        }
        if (i == 9 && (c & 0x80) != 0) {
            p[0] = -1;
            return 0;
        }
        return v;
    }

    static long u32(byte[] b, int at) {
        return (b[at] & 0xffL) | (b[at + 1] & 0xffL) << 8 | (b[at + 2] & 0xffL) << 16 | (b[at + 3] & 0xffL) << 24;
    }

    static int u16(byte[] b, int at) {
        return (b[at] & 0xff) | (b[at + 1] & 0xff) << 8;
    }

    static long i64(byte[] b, int at) {
        return u32(b, at) | u32(b, at + 4) << 32;
    }
}
