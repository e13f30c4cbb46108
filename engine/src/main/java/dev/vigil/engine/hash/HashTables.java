package dev.vigil.engine.hash;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * All hash signatures of an engine: a list of immutable {@link HashSegment}s in load order (normally one per database
 * file), seen through one {@link HashTable} per scope and algorithm and one allow-list table per algorithm, which
 * answer as a single table holding every segment would. Signature names have global indexes: a segment's names
 * follow those of the segments before it.
 */
public final class HashTables {
    private static final int SCOPES = HashScope.values().length;
    private static final int ALGORITHMS = HashAlgorithm.values().length;

    private final List<HashSegment> segments;
    private final int[] nameBases;        // [segment]: global index of its first name; one more entry: the total
    private final HashTable[][] tables;   // [scope][algorithm], null where no segment has entries
    private final HashTable[] allowed;    // [algorithm]

    private HashTables(List<HashSegment> segments) {
        this.segments = List.copyOf(segments);
        this.nameBases = new int[segments.size() + 1];
        for (int i = 0; i < segments.size(); i++) {
            nameBases[i + 1] = Math.addExact(nameBases[i], segments.get(i).signatureCount());
        }
        this.tables = new HashTable[SCOPES][ALGORITHMS];
        this.allowed = new HashTable[ALGORITHMS];
        for (HashAlgorithm algorithm : HashAlgorithm.values()) {
            int a = algorithm.ordinal();
            for (int s = 0; s < SCOPES; s++) {
                int scope = s;
                tables[s][a] = view(algorithm, segment -> segment.table(scope, a));
            }
            allowed[a] = view(algorithm, segment -> segment.allowed(a));
        }
    }

    private HashTable view(HashAlgorithm algorithm, Function<HashSegment, SegmentTable> part) {
        SegmentTable[] parts = new SegmentTable[segments.size()];
        int[] bases = new int[segments.size()];
        int n = 0;
        for (int i = 0; i < segments.size(); i++) {
            SegmentTable t = part.apply(segments.get(i));
            if (t != null) {
                parts[n] = t;
                bases[n++] = nameBases[i];
            }
        }
        return n == 0 ? null : new HashTable(algorithm, Arrays.copyOf(parts, n), Arrays.copyOf(bases, n));
    }

    public HashTable table(HashScope scope, HashAlgorithm algorithm) {
        return tables[scope.ordinal()][algorithm.ordinal()];
    }

    public HashTable allowed(HashAlgorithm algorithm) {
        return allowed[algorithm.ordinal()];
    }

    /** The name of the signature with this global index (as {@link HashTable#findAll} returns). */
    public String name(int index) {
        int i = Arrays.binarySearch(nameBases, index);
        // an exact hit may be the base of empty segments too: take the last segment starting there
        int segment = i >= 0 ? lastStartingAt(i) : -i - 2;
        return segments.get(segment).name(index - nameBases[segment]);
    }

    private int lastStartingAt(int i) {
        int s = i;
        while (s + 1 < segments.size() && nameBases[s + 1] == nameBases[i]) {
            s++;
        }
        return s;
    }

    public boolean hasScope(HashScope scope) {
        for (HashTable t : tables[scope.ordinal()]) {
            if (t != null) {
                return true;
            }
        }
        return false;
    }

    /** The segments in load order. */
    public List<HashSegment> segments() {
        return segments;
    }

    /** Number of detection signatures in all segments. */
    public int signatureCount() {
        return nameBases[segments.size()];
    }

    public void writeTo(ImageOutput out) throws IOException {
        out.writeInt(segments.size());
        for (HashSegment s : segments) {
            s.writeTo(out);
        }
    }

    public static HashTables readFrom(ImageInput in) throws IOException {
        // a segment takes at least its name table's and table counts' ints
        int count = in.readCount(16);
        List<HashSegment> segments = new ArrayList<>(count);
        long names = 0;
        for (int i = 0; i < count; i++) {
            HashSegment s = HashSegment.readFrom(in);
            names += s.signatureCount();
            if (names > Integer.MAX_VALUE) {
                throw new ImageFormatException("engine image is corrupt: too many hash names");
            }
            segments.add(s);
        }
        return new HashTables(segments);
    }

    /**
     * Collects hash signatures into segments. Signatures added between {@link #beginSegment()} and
     * {@link #endSegment()} form one segment; those added outside form segments of their own, in order, so that the
     * segments always hold the signatures in the order they were added.
     */
    public static final class Builder {
        private final List<HashSegment> segments = new ArrayList<>();
        private HashSegment.Builder open;
        private int count;

        public void add(HashSignature s) {
            open().add(s);
            count++;
        }

        /** As {@link HashSegment.Builder#add(HashScope, HashAlgorithm, byte[], long, byte[], int, int, byte[])}. */
        public void add(HashScope scope, HashAlgorithm algorithm, byte[] digest, long size, byte[] name,
                        int nameFrom, int nameTo, byte[] nameSuffix) {
            open().add(scope, algorithm, digest, size, name, nameFrom, nameTo, nameSuffix);
            count++;
        }

        /** An allow-list entry without a {@link HashSignature} object. */
        public void allow(HashAlgorithm algorithm, byte[] digest, long size) {
            open().allow(algorithm, digest, size);
        }

        public void allow(HashSignature s) {
            open().allow(s.algorithm(), s.digest(), s.size());
        }

        private HashSegment.Builder open() {
            if (open == null) {
                open = new HashSegment.Builder();
            }
            return open;
        }

        /** Ends the segment being filled, if any: what is added next starts a new one. */
        public void beginSegment() {
            closeOpen();
        }

        /**
         * Ends the segment being filled and returns it, built (its tables sorted now, so that the builder's blocks
         * become garbage at once); an empty segment is returned but not kept.
         */
        public HashSegment endSegment() {
            HashSegment s = closeOpen();
            return s == null ? new HashSegment.Builder().build() : s;
        }

        /** Adds a segment built earlier (by this builder or another), after everything added so far. */
        public void addSegment(HashSegment segment) {
            closeOpen();
            if (!segment.isEmpty()) {
                segments.add(segment);
                count += segment.signatureCount();
            }
        }

        private HashSegment closeOpen() {
            if (open == null) {
                return null;
            }
            HashSegment s = open.build();
            open = null;
            if (!s.isEmpty()) {
                segments.add(s);
            }
            return s;
        }

        /** Number of detection signatures added (allow-list entries excluded). */
        public int count() {
            return count;
        }

        public HashTables build() {
            closeOpen();
            return new HashTables(segments);
        }
    }
}
