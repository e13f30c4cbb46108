package dev.vigil.yara.modules.elf;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * Endian-aware random reads from the scanned data through a one-page cache, so that walking a table of entries
 * costs one read per page, and NUL searches that remember what they found, so that hostile string tables (many
 * names pointing into one long unterminated run) cost at most one pass over the data per table.
 */
final class ElfData {
    private static final int PAGE = 64 * 1024;

    private final ScanInput input;
    private final long size;
    private final boolean bigEndian;
    private final byte[] page = new byte[PAGE];
    private long pageStart = -1;
    private int pageLength;
    /** Per string-table limit: runs [start, end] known to contain no NUL before end, keyed by start. */
    private final Map<Long, TreeMap<Long, Long>> nulRuns = new java.util.HashMap<>();

    ElfData(ScanInput input, long size, boolean bigEndian) {
        this.input = input;
        this.size = size;
        this.bigEndian = bigEndian;
    }

    boolean isBigEndian() {
        return bigEndian;
    }

    long size() {
        return size;
    }

    int u8(long position) throws IOException {
        if (position < 0 || position >= size) {
            return 0;
        }
        if (position < pageStart || position >= pageStart + pageLength) {
            pageStart = position;
            pageLength = 0;
            int want = (int) Math.min(PAGE, size - position);
            while (pageLength < want) {
                int n = input.read(position + pageLength, page, pageLength, want - pageLength);
                if (n <= 0) {
                    break;
                }
                pageLength += n;
            }
            if (pageLength == 0) {
                pageStart = -1;
                return 0;
            }
        }
        return page[(int) (position - pageStart)] & 0xff;
    }

    int u16(long position) throws IOException {
        int a = u8(position);
        int b = u8(position + 1);
        return bigEndian ? (a << 8) | b : (b << 8) | a;
    }

    long u32(long position) throws IOException {
        long a = u16(position);
        long b = u16(position + 2);
        return bigEndian ? (a << 16) | b : (b << 16) | a;
    }

    long u64(long position) throws IOException {
        long a = u32(position);
        long b = u32(position + 4);
        return bigEndian ? (a << 32) | b : (b << 32) | a;
    }

    /** An unsigned word of the file's class: 4 bytes for ELF32, 8 for ELF64. */
    long word(long position, boolean is64) throws IOException {
        return is64 ? u64(position) : u32(position);
    }

    /**
     * Position of the first NUL in [from, limit), or -1 when there is none. Both must lie within the data.
     */
    long findNul(long from, long limit) throws IOException {
        TreeMap<Long, Long> runs = nulRuns.computeIfAbsent(limit, k -> new TreeMap<>());
        Map.Entry<Long, Long> known = runs.floorEntry(from);
        if (known != null && from <= known.getValue()) {
            long end = known.getValue();
            return end < limit ? end : -1;
        }
        Map.Entry<Long, Long> next = runs.ceilingEntry(from);
        long stop = next == null ? limit : Math.min(next.getKey(), limit);
        long p = from;
        while (p < stop && u8(p) != 0) {
            p++;
        }
        if (p == stop && next != null && stop < limit) {
            p = next.getValue(); // the scan reached a known run: its answer holds from here too
        }
        // remember [from, p]: from anywhere inside, the answer is p (p == limit means no NUL)
        runs.put(from, p);
        return p < limit ? p : -1;
    }

    byte[] bytes(long from, long to) throws IOException {
        byte[] out = new byte[(int) (to - from)];
        int n = 0;
        while (n < out.length) {
            int r = input.read(from + n, out, n, out.length - n);
            if (r <= 0) {
                break;
            }
            n += r;
        }
        return out;
    }
}
