package dev.vigil.engine.match;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import java.io.IOException;

import java.util.Arrays;

/**
 * The multi-pattern prefilter: every atom of length 1 to 4, looked up at each position of the data through the
 * 32-bit little-endian window of the next four bytes. Length 1 and 2 atoms use direct tables; lengths 3 and 4 use
 * open-addressing tables.
 * <p>
 * The matcher reads two bitmaps at every byte and takes one branch, so most positions cost a few instructions:
 * {@link #gate4}, hashed on all four bytes, holds every length-4 atom and, when they are few enough
 * ({@link #fold3}), every length-3 atom followed by each of the 256 possible bytes; {@link #gate2}, direct on the
 * first two bytes (8 KiB), holds every length-2 atom and every length-1 atom followed by each possible byte. A
 * position that passes neither starts no atom (of length 3 either, when folded; else the matcher also reads
 * {@link #bits3}, a hashed bitmap of the length-3 atoms). {@link #gate4} is a blocked Bloom filter: two bits per
 * entry within one 64-bit word, so one load answers with about a quarter of the false positives of a one-bit
 * bitmap; each false positive would cost a hash-table probe, usually a cache miss. Gating on atoms' first two or
 * three bytes instead lets too many positions of binaries through (a quarter of them with signature-base's atoms:
 * their prefixes are x86 idioms). The bitmaps are derived from the tables (never stored in an image), so they are
 * consistent by construction.
 * <p>
 * All arrays are primitive; a lookup allocates nothing. Each hit yields a range of candidate records in
 * {@link #records}.
 */
final class AtomIndex {
    // CSR lists of record ids per (length, value).
    final int[] records;
    // Length 1: direct start offsets into records, 257 entries.
    final int[] start1;
    // Length 2: direct start offsets, 65537 entries (or null when there are no such atoms).
    final int[] start2;
    // Lengths 3 and 4: hash tables of values -> [from, to) in records.
    final int[] keys3, from3, to3;
    final int[] keys4, from4, to4;
    final boolean has1;
    final boolean has3;
    final boolean has4;
    /** Hashed bitmap of the length-3 atoms (64 bits per atom), null without any; {@link #shift3} is its hash's. */
    final long[] bits3;
    final int shift3;
    /**
     * The per-byte gate on four bytes (see the class comment), 2^(32 - {@link #shift4}) bits: a value's first bit
     * is {@link #mix4}{@code (w, shift4)}, its second one {@link #second4}{@code (w)} in the same word.
     */
    final long[] gate4;
    final int shift4;
    /** Whether {@link #gate4} holds the length-3 atoms too, so the matcher need not read {@link #bits3} per byte. */
    final boolean fold3;
    /** The per-byte gate on two bytes: length-2 atoms, and length-1 atoms with any second byte. */
    final long[] gate2;

    private AtomIndex(int[] records, int[] start1, boolean has1, int[] start2, int shift3, int shift4,
                      int[] keys3, int[] from3, int[] to3, int[] keys4, int[] from4, int[] to4) {
        this.records = records;
        this.start1 = start1;
        this.has1 = has1;
        this.start2 = start2;
        this.shift3 = shift3;
        this.shift4 = shift4;
        this.keys3 = keys3;
        this.from3 = from3;
        this.to3 = to3;
        this.keys4 = keys4;
        this.from4 = from4;
        this.to4 = to4;
        int count3 = used(to3);
        int count4 = used(to4);
        this.has3 = count3 > 0;
        this.has4 = count4 > 0;
        this.fold3 = fold3(count3, count4);
        this.bits3 = has3 ? new long[(1 << (32 - shift3)) >>> 6] : null;
        this.gate4 = new long[(1 << (32 - shift4)) >>> 6];
        for (int i = 0; i < keys3.length; i++) {
            if (to3[i] >= 0) {
                set(bits3, mix4(keys3[i], shift3));
                if (fold3) {
                    for (int next = 0; next < 256; next++) {
                        setGate4(keys3[i] | next << 24);
                    }
                }
            }
        }
        for (int i = 0; i < keys4.length; i++) {
            if (to4[i] >= 0) {
                setGate4(keys4[i]);
            }
        }
        this.gate2 = new long[1024];
        if (start2 != null) {
            for (int v = 0; v < 65536; v++) {
                if (start2[v + 1] > start2[v]) {
                    set(gate2, v);
                }
            }
        }
        for (int v = 0; v < 256; v++) {
            if (start1[v + 1] > start1[v]) {
                for (int second = 0; second < 256; second++) {
                    set(gate2, second << 8 | v);
                }
            }
        }
    }

    private boolean anyLength1() {
        for (int v = 0; v < 256; v++) {
            if (start1[v + 1] > start1[v]) {
                return true;
            }
        }
        return false;
    }

    private void setGate4(int w) {
        int h = mix4(w, shift4);
        gate4[h >>> 6] |= 1L << h | 1L << second4(w);
    }

    /** The second bit of {@code w} in its {@link #gate4} word: top bits of another multiplicative hash. */
    static int second4(int w) {
        return (w * 0x7FEB352D) >>> 26;
    }

    /** True when {@code w} may start a length-4 atom (or a folded length-3 one). */
    boolean inGate4(int w) {
        int h = mix4(w, shift4);
        long word = gate4[h >>> 6];
        return ((word >>> h) & (word >>> second4(w)) & 1) != 0;
    }

    private static void set(long[] bits, int bit) {
        bits[bit >>> 6] |= 1L << bit;
    }

    private static int used(int[] to) {
        int n = 0;
        for (int t : to) {
            n += t >= 0 ? 1 : 0;
        }
        return n;
    }

    /**
     * Length-3 atoms go into the four-byte gate (256 entries each) while that at most doubles it or stays small;
     * beyond that the matcher probes their own bitmap at each byte instead.
     */
    static boolean fold3(int count3, int count4) {
        return count3 > 0 && (long) count3 * 256 <= Math.max(count4, 1 << 16);
    }

    /** log2 of {@link #gate4}'s size in bits: at least 64 bits per entry, at most 2^26 (8 MiB). */
    static int gateLog(int count3, int count4) {
        long entries = count4 + (fold3(count3, count4) ? (long) count3 * 256 : 0);
        int log = 12;
        while (log < 26 && (1L << log) < entries * 64) {
            log++;
        }
        return log;
    }

    void writeTo(ImageOutput out) throws IOException {
        out.writeInts(records);
        out.writeInts(start1);
        out.writeBoolean(has1);
        out.writeInts(start2);
        // the bitmaps are derived from the tables on reading: smaller images, and consistent by construction
        out.writeBoolean(has3);
        out.writeBoolean(has4);
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
        if (shift3 < 5 || shift3 > 20 || shift4 < 5 || shift4 > 20 || start1 == null || start1.length != 257
                || keys3 == null || to3 == null || keys4 == null || to4 == null
                || keys3.length != to3.length || keys4.length != to4.length
                || (start2 != null && start2.length != 65537)) {
            throw new ImageFormatException("engine image is corrupt: atom index");
        }
        AtomIndex index = new AtomIndex(records, start1, has1, start2, shift3, shift4, keys3, from3, to3, keys4, from4,
                to4);
        // the flags are redundant with the tables; an image whose flags disagree was not written by the builder
        if (index.has3 != has3 || index.has4 != has4 || index.has1 != index.anyLength1()) {
            throw new ImageFormatException("engine image is corrupt: atom index");
        }
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

    /** Collects (length, value, record) triples, then freezes them. */
    static final class Builder {
        private long[] entries = new long[64]; // length << 32 | value
        private int[] recs = new int[64];
        private int n;

        void add(int length, int value, int record) {
            if (n == recs.length) {
                entries = Arrays.copyOf(entries, n * 2);
                recs = Arrays.copyOf(recs, n * 2);
            }
            long v = length == 4 ? value & 0xffffffffL : value & ((1L << (8 * length)) - 1);
            entries[n] = ((long) length << 32) | v;
            recs[n] = record;
            n++;
        }

        AtomIndex build() {
            // Sort entries by (length, value) keeping record ids alongside.
            int[] order = new int[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            sortByKey(order, entries);
            int[] records = new int[n];
            for (int i = 0; i < n; i++) {
                records[i] = recs[order[i]];
            }
            int[] start1 = new int[257];
            int[] start2 = null;
            int count3 = 0;
            int count4 = 0;
            boolean has1 = false;
            for (int i = 0; i < n; i++) {
                long e = entries[order[i]];
                int len = (int) (e >>> 32);
                if (len == 1) {
                    has1 = true;
                } else if (len == 2 && start2 == null) {
                    start2 = new int[65537];
                } else if (len == 3 && (i == 0 || entries[order[i - 1]] != e)) {
                    count3++;
                } else if (len == 4 && (i == 0 || entries[order[i - 1]] != e)) {
                    count4++;
                }
            }
            // Direct tables for lengths 1 and 2: counts then prefix sums (records are already sorted).
            int[] c1 = new int[257];
            int[] c2 = start2 == null ? null : new int[65537];
            int first1 = -1;
            int first2 = -1;
            for (int i = 0; i < n; i++) {
                long e = entries[order[i]];
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
            int shift3 = 32 - filterLog(count3);
            int cap3 = tableSize(count3);
            int[] keys3 = new int[cap3], from3 = new int[cap3], to3 = new int[cap3];
            int shift4 = 32 - gateLog(count3, count4);
            int cap4 = tableSize(count4);
            int[] keys4 = new int[cap4], from4 = new int[cap4], to4 = new int[cap4];
            Arrays.fill(to3, -1);
            Arrays.fill(to4, -1);
            int i = 0;
            while (i < n) {
                long e = entries[order[i]];
                int j = i;
                while (j < n && entries[order[j]] == e) {
                    j++;
                }
                int len = (int) (e >>> 32);
                int v = (int) e;
                if (len == 3) {
                    put(keys3, from3, to3, v, i, j);
                } else if (len == 4) {
                    put(keys4, from4, to4, v, i, j);
                }
                i = j;
            }
            return new AtomIndex(records, start1, has1, start2, shift3, shift4, keys3, from3, to3, keys4, from4, to4);
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

        private static void sortByKey(int[] order, long[] keys) {
            // Sort (key, index) pairs packed in one long: keys use 35 bits, indexes 28.
            long[] packed = new long[order.length];
            for (int i = 0; i < order.length; i++) {
                packed[i] = (keys[i] << 28) | i;
            }
            if (order.length >= 1 << 28) {
                throw new IllegalStateException("too many atoms");
            }
            Arrays.sort(packed);
            for (int i = 0; i < order.length; i++) {
                order[i] = (int) (packed[i] & ((1 << 28) - 1));
            }
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
