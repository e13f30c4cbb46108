package dev.vigil.engine.hash;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;

import java.io.IOException;

/**
 * The hash signatures of one database file (or any run of signatures a loader adds together): sorted tables by scope
 * and algorithm, allow-list tables, and the names. Immutable once built, so that an engine built later (a reload) can
 * take over the segment of a database file that did not change instead of parsing it again.
 */
public final class HashSegment {
    private static final int SCOPES = HashScope.values().length;
    private static final int ALGORITHMS = HashAlgorithm.values().length;

    private final SegmentTable[][] tables;   // [scope][algorithm], null where empty
    private final SegmentTable[] allowed;    // [algorithm], null where empty
    private final NameTable names;
    private final int signatureCount;

    private HashSegment(SegmentTable[][] tables, SegmentTable[] allowed, NameTable names) {
        this.tables = tables;
        this.allowed = allowed;
        this.names = names;
        int n = 0;
        for (SegmentTable[] row : tables) {
            for (SegmentTable t : row) {
                n += t == null ? 0 : t.size();
            }
        }
        this.signatureCount = n;
    }

    SegmentTable table(int scope, int algorithm) {
        return tables[scope][algorithm];
    }

    SegmentTable allowed(int algorithm) {
        return allowed[algorithm];
    }

    /** Detection signatures in this segment (allow-list entries excluded). */
    public int signatureCount() {
        return signatureCount;
    }

    /** Allow-list entries in this segment. */
    public int allowCount() {
        int n = 0;
        for (SegmentTable t : allowed) {
            n += t == null ? 0 : t.size();
        }
        return n;
    }

    public boolean isEmpty() {
        return signatureCount == 0 && allowCount() == 0;
    }

    /** The name of signature {@code index} of this segment (0 to {@link #signatureCount()} - 1). */
    public String name(int index) {
        return names.get(index);
    }

    /** True if some signature name of this segment satisfies {@code test} (read in place, no String made). */
    public boolean anyName(NameTable.NameTest test) {
        return names.anyName(test);
    }

    void writeTo(ImageOutput out) throws IOException {
        names.writeTo(out);
        out.writeInt(tables.length);
        for (SegmentTable[] row : tables) {
            out.writeInt(row.length);
            for (SegmentTable t : row) {
                writeTable(out, t);
            }
        }
        out.writeInt(allowed.length);
        for (SegmentTable t : allowed) {
            writeTable(out, t);
        }
    }

    private static void writeTable(ImageOutput out, SegmentTable t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            t.writeTo(out);
        }
    }

    static HashSegment readFrom(ImageInput in) throws IOException {
        NameTable names = NameTable.readFrom(in);
        if (in.readInt() != SCOPES) {
            throw new ImageFormatException("engine image is corrupt: hash scopes");
        }
        SegmentTable[][] tables = new SegmentTable[SCOPES][ALGORITHMS];
        for (int s = 0; s < SCOPES; s++) {
            if (in.readInt() != ALGORITHMS) {
                throw new ImageFormatException("engine image is corrupt: hash algorithms");
            }
            for (int a = 0; a < ALGORITHMS; a++) {
                tables[s][a] = readTable(in, names.size(), a);
            }
        }
        if (in.readInt() != ALGORITHMS) {
            throw new ImageFormatException("engine image is corrupt: allow-list algorithms");
        }
        SegmentTable[] allowed = new SegmentTable[ALGORITHMS];
        for (int a = 0; a < ALGORITHMS; a++) {
            // Allow-list entries carry name 0 whether or not any name exists.
            allowed[a] = readTable(in, Math.max(1, names.size()), a);
        }
        HashSegment segment = new HashSegment(tables, allowed, names);
        if (segment.signatureCount != names.size()) {
            throw new ImageFormatException("engine image is corrupt: hash segment names");
        }
        return segment;
    }

    private static SegmentTable readTable(ImageInput in, int nameCount, int algorithm) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        SegmentTable t = SegmentTable.readFrom(in, nameCount);
        if (t.algorithm().ordinal() != algorithm) {
            throw new ImageFormatException("engine image is corrupt: hash table in the wrong place");
        }
        return t;
    }

    /** Collects one segment's signatures in growable blocks; {@link #build()} sorts them into the tables. */
    public static final class Builder {
        private final SegmentTable.Builder[][] tables = new SegmentTable.Builder[SCOPES][ALGORITHMS];
        private final SegmentTable.Builder[] allowed = new SegmentTable.Builder[ALGORITHMS];
        private final NameTable names = new NameTable();
        private int count;
        private int allowCount;

        public void add(HashSignature s) {
            table(s.scope(), s.algorithm()).add(s.digest(), s.size(), names.add(s.name()));
            count++;
        }

        /**
         * Adds a hash signature without a {@link HashSignature} object: the digest is
         * {@code digest[0 .. algorithm length)}, the name the UTF-8 bytes {@code name[nameFrom, nameTo)} followed by
         * {@code nameSuffix} (may be null).
         */
        public void add(HashScope scope, HashAlgorithm algorithm, byte[] digest, long size, byte[] name,
                        int nameFrom, int nameTo, byte[] nameSuffix) {
            table(scope, algorithm).add(digest, size, names.add(name, nameFrom, nameTo, nameSuffix));
            count++;
        }

        /** An allow-list entry (.fp/.sfp); its size may be {@link HashSignature#ANY_SIZE}. */
        public void allow(HashAlgorithm algorithm, byte[] digest, long size) {
            int a = algorithm.ordinal();
            if (allowed[a] == null) {
                allowed[a] = new SegmentTable.Builder(algorithm);
            }
            allowed[a].add(digest, size, 0);
            allowCount++;
        }

        private SegmentTable.Builder table(HashScope scope, HashAlgorithm algorithm) {
            SegmentTable.Builder[] row = tables[scope.ordinal()];
            int a = algorithm.ordinal();
            if (row[a] == null) {
                row[a] = new SegmentTable.Builder(algorithm);
            }
            return row[a];
        }

        /** Number of detection signatures added (allow-list entries excluded). */
        public int count() {
            return count;
        }

        public boolean isEmpty() {
            return count == 0 && allowCount == 0;
        }

        public HashSegment build() {
            SegmentTable[][] t = new SegmentTable[SCOPES][ALGORITHMS];
            for (int s = 0; s < SCOPES; s++) {
                for (int a = 0; a < ALGORITHMS; a++) {
                    t[s][a] = tables[s][a] == null ? null : tables[s][a].build();
                    tables[s][a] = null;
                }
            }
            SegmentTable[] al = new SegmentTable[ALGORITHMS];
            for (int a = 0; a < ALGORITHMS; a++) {
                al[a] = allowed[a] == null ? null : allowed[a].build();
                allowed[a] = null;
            }
            names.trim();
            return new HashSegment(t, al, names);
        }
    }
}
