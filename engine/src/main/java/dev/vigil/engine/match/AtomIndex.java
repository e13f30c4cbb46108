package dev.vigil.engine.match;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import java.io.IOException;

import java.util.Arrays;

/**
 * The multi-pattern prefilter: every atom of length 1 to 4, looked up at each position of the data through the
 * 32-bit little-endian window of the next four bytes. Length 1 and 2 atoms use direct tables; lengths 3 and 4 use a
 * hashed bitmap (64 bits per distinct atom, so it stays cache-resident: it is read at every byte) in front of an
 * open-addressing table. All arrays are primitive; a lookup allocates nothing.
 * Each hit yields a range of candidate records in {@link #records}.
 */
final class AtomIndex {
    // CSR lists of record ids per (length, value).
    final int[] records;
    // Length 1: direct start offsets into records, 257 entries.
    final int[] start1;
    // Length 2: direct start offsets, 65537 entries (or null when there are no such atoms).
    final int[] start2;
    final long[] bits2;
    // Lengths 3 and 4: bitmap filter + hash table of values -> [from, to) in records.
    final long[] bits3;
    final long[] bits4;
    final int shift3;
    final int shift4;
    final int[] keys3, from3, to3;
    final int[] keys4, from4, to4;
    final boolean has1;
    /**
     * One bit per two-byte value (little-endian, as in the window): set when an atom of length 1 or 2 matches there,
     * or an atom of length 3 starts with those two bytes. Together with the length-4 bitmap it is all the scan's first
     * loop reads per position: length-3 atoms are few, and their two-byte prefixes let through about as many
     * positions as their own hashed bitmap would, for one load and no multiplication.
     */
    final long[] short2;

    private AtomIndex(int[] records, int[] start1, boolean has1, int[] start2, long[] bits2, long[] bits3,
                      long[] bits4, int shift3, int shift4, int[] keys3, int[] from3, int[] to3, int[] keys4, int[] from4,
                      int[] to4) {
        this.records = records;
        this.start1 = start1;
        this.has1 = has1;
        this.start2 = start2;
        this.bits2 = bits2;
        this.bits3 = bits3;
        this.bits4 = bits4;
        this.shift3 = shift3;
        this.shift4 = shift4;
        this.keys3 = keys3;
        this.from3 = from3;
        this.to3 = to3;
        this.keys4 = keys4;
        this.from4 = from4;
        this.to4 = to4;
        this.short2 = short2();
    }

    private long[] short2() {
        long[] bits = bits2 == null ? new long[1024] : bits2.clone();
        for (int i = 0; i < keys3.length; i++) {
            if (to3[i] >= 0) {
                int v = keys3[i] & 0xffff;
                bits[v >>> 6] |= 1L << v;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (start1[b + 1] > start1[b]) {
                for (int second = 0; second < 256; second++) {
                    int v = b | second << 8;
                    bits[v >>> 6] |= 1L << v;
                }
            }
        }
        return bits;
    }

    void writeTo(ImageOutput out) throws IOException {
        out.writeInts(records);
        out.writeInts(start1);
        out.writeBoolean(has1);
        out.writeInts(start2);
        // the bitmaps are derived from the tables on reading: smaller images, and consistent by construction
        out.writeBoolean(bits3 != null);
        out.writeBoolean(bits4 != null);
        out.writeInt(shift3);
        out.writeInt(shift4);
        out.writeInts(keys3);
        out.writeInts(from3);
        out.writeInts(to3);
        out.writeInts(keys4);
        out.writeInts(from4);
        out.writeInts(to4);
    }

    /** Reads an index and checks its tables' shapes and that every record range lies inside {@link #records}. */
    static AtomIndex readFrom(ImageInput in, int recordCount) throws IOException {
        int[] records = in.readInts();
        int[] start1 = in.readInts();
        boolean has1 = in.readBoolean();
        int[] start2 = in.readInts();
        boolean has3 = in.readBoolean();
        boolean has4 = in.readBoolean();
        int shift3 = in.readInt();
        int shift4 = in.readInt();
        int[] keys3 = in.readInts();
        int[] from3 = in.readInts();
        int[] to3 = in.readInts();
        int[] keys4 = in.readInts();
        int[] from4 = in.readInts();
        int[] to4 = in.readInts();
        if (shift3 < 5 || shift3 > 20 || shift4 < 5 || shift4 > 20 || keys3 == null || to3 == null || keys4 == null || to4 == null
                || keys3.length != to3.length || keys4.length != to4.length
                || (start2 != null && start2.length != 65537)) {
            throw new ImageFormatException("engine image is corrupt: atom index");
        }
        long[] bits2 = null;
        if (start2 != null) {
            bits2 = new long[1024];
            for (int v = 0; v < 65536; v++) {
                if (start2[v + 1] > start2[v]) {
                    bits2[v >>> 6] |= 1L << v;
                }
            }
        }
        long[] bits3 = has3 ? new long[(1 << (32 - shift3)) >>> 6] : null;
        if (has3) {
            for (int i = 0; i < keys3.length; i++) {
                if (to3[i] >= 0) {
                    int h = mix4(keys3[i], shift3);
                    bits3[h >>> 6] |= 1L << h;
                }
            }
        }
        long[] bits4 = has4 ? new long[(1 << (32 - shift4)) >>> 6] : null;
        if (has4) {
            for (int i = 0; i < keys4.length; i++) {
                if (to4[i] >= 0) {
                    int h = mix4(keys4[i], shift4);
                    bits4[h >>> 6] |= 1L << h;
                }
            }
        }
        AtomIndex index = new AtomIndex(records, start1, has1, start2, bits2, bits3, bits4, shift3, shift4, keys3, from3,
                to3, keys4, from4, to4);
        index.check(recordCount);
        return index;
    }

    private void check(int recordCount) throws ImageFormatException {
        // readFrom has checked the shifts and the key/limit tables it derives the bitmaps from
        boolean ok = records != null && start1 != null && start1.length == 257 && from3 != null && from4 != null
                && keys3.length == from3.length && Integer.bitCount(keys3.length) == 1
                && keys4.length == from4.length && Integer.bitCount(keys4.length) == 1
                && hasEmptySlot(to3) && hasEmptySlot(to4);
        if (ok) {
            for (int r : records) {
                ok &= r >= 0 && r < recordCount;
            }
            ok &= ascendingWithin(start1, records.length) && (start2 == null || ascendingWithin(start2, records.length))
                    && rangesWithin(from3, to3, records.length) && rangesWithin(from4, to4, records.length);
        }
        if (!ok) {
            throw new ImageFormatException("engine image is corrupt: atom index");
        }
    }

    /** Lookups probe until an empty slot: a table without one would never end a miss. */
    private static boolean hasEmptySlot(int[] to) {
        for (int t : to) {
            if (t < 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean ascendingWithin(int[] starts, int limit) {
        for (int i = 0; i < starts.length; i++) {
            if (starts[i] < 0 || starts[i] > limit || (i > 0 && starts[i] < starts[i - 1])) {
                return false;
            }
        }
        return true;
    }

    private static boolean rangesWithin(int[] from, int[] to, int limit) {
        for (int i = 0; i < from.length; i++) {
            if (to[i] >= 0 && (from[i] < 0 || from[i] > to[i] || to[i] > limit)) {
                return false;
            }
        }
        return true;
    }

    static int mix4(int w, int shift) {
        return (w * 0x9E3779B1) >>> shift;
    }

    static int slot(int key, int mask) {
        int h = key * 0x85EBCA6B;
        return (h ^ (h >>> 15)) & mask;
    }

    /**
     * Collects (length, value, record) triples, then freezes them. Each triple is one long, key above record, so
     * that one primitive sort orders them by key and, within a key, by record (records arrive in ascending order),
     * and the build reads them in sequence; a second array of records and a permutation would cost twelve more
     * bytes per atom at the compiler's peak.
     */
    static final class Builder {
        private static final int RECORD_BITS = 28;
        private static final long RECORD_MASK = (1L << RECORD_BITS) - 1;
        private long[] entries = new long[64]; // (length << 32 | value) << RECORD_BITS | record
        private int n;

        void add(int length, int value, int record) {
            if (record < 0 || record > RECORD_MASK) {
                throw new IllegalStateException("too many atoms");
            }
            if (n == entries.length) {
                entries = Arrays.copyOf(entries, n + (n >> 1));
            }
            long v = length == 4 ? value & 0xffffffffL : value & ((1L << (8 * length)) - 1);
            entries[n++] = ((((long) length << 32) | v) << RECORD_BITS) | record;
        }

        private long key(int i) {
            return entries[i] >>> RECORD_BITS;
        }

        AtomIndex build() {
            Arrays.sort(entries, 0, n);
            int[] records = new int[n];
            for (int i = 0; i < n; i++) {
                records[i] = (int) (entries[i] & RECORD_MASK);
            }
            int[] start1 = new int[257];
            int[] start2 = null;
            long[] bits2 = null;
            int count3 = 0;
            int count4 = 0;
            boolean has1 = false;
            for (int i = 0; i < n; i++) {
                long e = key(i);
                int len = (int) (e >>> 32);
                if (len == 1) {
                    has1 = true;
                } else if (len == 2 && start2 == null) {
                    start2 = new int[65537];
                    bits2 = new long[1024];
                } else if (len == 3 && (i == 0 || key(i - 1) != e)) {
                    count3++;
                } else if (len == 4 && (i == 0 || key(i - 1) != e)) {
                    count4++;
                }
            }
            // Direct tables for lengths 1 and 2: counts then prefix sums (records are already sorted).
            int[] c1 = new int[257];
            int[] c2 = start2 == null ? null : new int[65537];
            int first1 = -1;
            int first2 = -1;
            for (int i = 0; i < n; i++) {
                long e = key(i);
                int len = (int) (e >>> 32);
                int v = (int) e;
                if (len == 1) {
                    if (first1 < 0) {
                        first1 = i;
                    }
                    c1[v + 1]++;
                } else if (len == 2) {
                    if (first2 < 0) {
                        first2 = i;
                    }
                    c2[v + 1]++;
                    bits2[v >>> 6] |= 1L << v;
                }
            }
            for (int i = 0; i < 256; i++) {
                c1[i + 1] += c1[i];
            }
            for (int i = 0; i <= 256; i++) {
                start1[i] = (first1 < 0 ? 0 : first1) + c1[i];
            }
            if (c2 != null) {
                for (int i = 0; i < 65536; i++) {
                    c2[i + 1] += c2[i];
                }
                for (int i = 0; i <= 65536; i++) {
                    start2[i] = first2 + c2[i];
                }
            }
            int bits3Log = filterLog(count3);
            long[] bits3 = count3 == 0 ? null : new long[(1 << bits3Log) >>> 6];
            int shift3 = 32 - bits3Log;
            int cap3 = tableSize(count3);
            int[] keys3 = new int[cap3], from3 = new int[cap3], to3 = new int[cap3];
            int bits4Log = filterLog(count4);
            long[] bits4 = count4 == 0 ? null : new long[(1 << bits4Log) >>> 6];
            int shift4 = 32 - bits4Log;
            int cap4 = tableSize(count4);
            int[] keys4 = new int[cap4], from4 = new int[cap4], to4 = new int[cap4];
            Arrays.fill(to3, -1);
            Arrays.fill(to4, -1);
            int i = 0;
            while (i < n) {
                long e = key(i);
                int j = i;
                while (j < n && key(j) == e) {
                    j++;
                }
                int len = (int) (e >>> 32);
                int v = (int) e;
                if (len == 3) {
                    int h = mix4(v, shift3);
                    bits3[h >>> 6] |= 1L << h;
                    put(keys3, from3, to3, v, i, j);
                } else if (len == 4) {
                    int h = mix4(v, shift4);
                    bits4[h >>> 6] |= 1L << h;
                    put(keys4, from4, to4, v, i, j);
                }
                i = j;
            }
            entries = null; // the builder is done; its triples are the largest thing the compiler still holds
            n = 0;
            return new AtomIndex(records, start1, has1, start2, bits2, bits3, bits4, shift3, shift4,
                    keys3, from3, to3, keys4, from4, to4);
        }

        /** log2 of a filter with about 64 bits per distinct atom (a false positive rate near 1/64). */
        private static int filterLog(int count) {
            int log = 12;
            while (log < 27 && (1L << log) < (long) count * 64) {
                log++;
            }
            return log;
        }

        private static int tableSize(int count) {
            int cap = 2;
            while (cap < count * 2L) {
                cap <<= 1;
            }
            return cap;
        }

        private static void put(int[] keys, int[] from, int[] to, int key, int f, int t) {
            int mask = keys.length - 1;
            int s = slot(key, mask);
            while (to[s] >= 0) {
                s = (s + 1) & mask;
            }
            keys[s] = key;
            from[s] = f;
            to[s] = t;
        }
    }

    /** Returns the [from, to) record range for a length-3 value, or to < 0 if absent. */
    long lookup3(int v) {
        int mask = keys3.length - 1;
        int s = slot(v, mask);
        while (to3[s] >= 0) {
            if (keys3[s] == v) {
                return ((long) from3[s] << 32) | to3[s];
            }
            s = (s + 1) & mask;
        }
        return -1;
    }

    long lookup4(int v) {
        int mask = keys4.length - 1;
        int s = slot(v, mask);
        while (to4[s] >= 0) {
            if (keys4[s] == v) {
                return ((long) from4[s] << 32) | to4[s];
            }
            s = (s + 1) & mask;
        }
        return -1;
    }
}
