package dev.vigil.engine.hash;

import dev.vigil.engine.ir.HashAlgorithm;

import java.util.Arrays;

/**
 * The hash signatures of one algorithm and scope across all {@link HashSegment}s of an engine. A lookup asks each
 * segment in load order and answers as one table built from all of them would: the exact-size entries of every
 * segment first, then the any-size ones, each group in the order the signatures were loaded. Name indexes are global
 * ({@link HashTables#name(int)}). Lookups happen once per file or section, not per byte, so a few segments cost
 * nothing measurable.
 */
public final class HashTable {
    private final HashAlgorithm algorithm;
    private final SegmentTable[] parts;   // segments that have entries for this algorithm and scope, in load order
    private final int[] nameBases;        // the first global name index of each part's segment
    private final boolean anySize;

    HashTable(HashAlgorithm algorithm, SegmentTable[] parts, int[] nameBases) {
        this.algorithm = algorithm;
        this.parts = parts;
        this.nameBases = nameBases;
        boolean any = false;
        for (SegmentTable t : parts) {
            any |= t.hasAnySize();
        }
        this.anySize = any;
    }

    public HashAlgorithm algorithm() {
        return algorithm;
    }

    /** Number of entries in all segments. */
    public int size() {
        int n = 0;
        for (SegmentTable t : parts) {
            n += t.size();
        }
        return n;
    }

    /** True if some entry could match data of this many bytes (so the data is worth hashing). */
    public boolean covers(long size) {
        if (anySize) {
            return true;
        }
        for (SegmentTable t : parts) {
            if (t.covers(size)) {
                return true;
            }
        }
        return false;
    }

    /** All global name indexes of entries matching this digest and size (exact-size ones first). */
    public int[] findAll(byte[] digest, long size) {
        int[] out = gather(digest, size, false, NONE);
        return anySize ? gather(digest, size, true, out) : out;
    }

    private int[] gather(byte[] digest, long size, boolean anySizeEntries, int[] into) {
        int[] out = into;
        for (int p = 0; p < parts.length; p++) {
            if (anySizeEntries && !parts[p].hasAnySize()) {
                continue;
            }
            int[] hits = parts[p].collect(digest, size, anySizeEntries);
            if (hits.length > 0) {
                int from = out.length;
                out = Arrays.copyOf(out, from + hits.length);
                for (int i = 0; i < hits.length; i++) {
                    out[from + i] = nameBases[p] + hits[i];
                }
            }
        }
        return out;
    }

    private static final int[] NONE = new int[0];
}
