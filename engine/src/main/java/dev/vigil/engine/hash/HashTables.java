package dev.vigil.engine.hash;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;

import java.io.IOException;

/**
 * All hash signatures of an engine, by scope and algorithm, plus the allow-list, with their names.
 * Built incrementally so that a loader never has to hold millions of signature objects at once.
 */
public final class HashTables {
    private final HashTable[][] tables;   // [scope][algorithm], null where empty
    private final HashTable[] allowed;    // [algorithm]
    private final NameTable names;

    private HashTables(HashTable[][] tables, HashTable[] allowed, NameTable names) {
        this.tables = tables;
        this.allowed = allowed;
        this.names = names;
    }

    public HashTable table(HashScope scope, HashAlgorithm algorithm) {
        return tables[scope.ordinal()][algorithm.ordinal()];
    }

    public HashTable allowed(HashAlgorithm algorithm) {
        return allowed[algorithm.ordinal()];
    }

    public String name(int index) {
        return names.get(index);
    }

    public boolean hasScope(HashScope scope) {
        for (HashTable t : tables[scope.ordinal()]) {
            if (t != null) {
                return true;
            }
        }
        return false;
    }

    public void writeTo(ImageOutput out) throws IOException {
        names.writeTo(out);
        out.writeInt(tables.length);
        for (HashTable[] row : tables) {
            out.writeInt(row.length);
            for (HashTable t : row) {
                writeTable(out, t);
            }
        }
        out.writeInt(allowed.length);
        for (HashTable t : allowed) {
            writeTable(out, t);
        }
    }

    private static void writeTable(ImageOutput out, HashTable t) throws IOException {
        out.writeBoolean(t != null);
        if (t != null) {
            t.writeTo(out);
        }
    }

    public static HashTables readFrom(ImageInput in) throws IOException {
        NameTable names = NameTable.readFrom(in);
        int scopes = HashScope.values().length;
        int algorithms = HashAlgorithm.values().length;
        if (in.readInt() != scopes) {
            throw new ImageFormatException("engine image is corrupt: hash scopes");
        }
        HashTable[][] tables = new HashTable[scopes][algorithms];
        for (int s = 0; s < scopes; s++) {
            if (in.readInt() != algorithms) {
                throw new ImageFormatException("engine image is corrupt: hash algorithms");
            }
            for (int a = 0; a < algorithms; a++) {
                tables[s][a] = readTable(in, names.size(), a);
            }
        }
        if (in.readInt() != algorithms) {
            throw new ImageFormatException("engine image is corrupt: allow-list algorithms");
        }
        HashTable[] allowed = new HashTable[algorithms];
        for (int a = 0; a < algorithms; a++) {
            // Allow-list entries carry name 0 whether or not any name exists.
            allowed[a] = readTable(in, Math.max(1, names.size()), a);
        }
        return new HashTables(tables, allowed, names);
    }

    private static HashTable readTable(ImageInput in, int nameCount, int algorithm) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        HashTable t = HashTable.readFrom(in, nameCount);
        if (t.algorithm().ordinal() != algorithm) {
            throw new ImageFormatException("engine image is corrupt: hash table in the wrong place");
        }
        return t;
    }

    public static final class Builder {
        private final HashTable.Builder[][] tables =
                new HashTable.Builder[HashScope.values().length][HashAlgorithm.values().length];
        private final HashTable.Builder[] allowed = new HashTable.Builder[HashAlgorithm.values().length];
        private final NameTable names = new NameTable();
        private int count;

        public void add(HashSignature s) {
            HashTable.Builder[] row = tables[s.scope().ordinal()];
            int a = s.algorithm().ordinal();
            if (row[a] == null) {
                row[a] = new HashTable.Builder(s.algorithm());
            }
            row[a].add(s.digest(), s.size(), names.add(s.name()));
            count++;
        }

        /**
         * Adds a hash signature without a {@link HashSignature} object: the digest is
         * {@code digest[0 .. algorithm length)}, the name the UTF-8 bytes {@code name[nameFrom, nameTo)} followed by
         * {@code nameSuffix} (may be null).
         */
        public void add(HashScope scope, HashAlgorithm algorithm, byte[] digest, long size, byte[] name,
                        int nameFrom, int nameTo, byte[] nameSuffix) {
            HashTable.Builder[] row = tables[scope.ordinal()];
            int a = algorithm.ordinal();
            if (row[a] == null) {
                row[a] = new HashTable.Builder(algorithm);
            }
            row[a].add(digest, size, names.add(name, nameFrom, nameTo, nameSuffix));
            count++;
        }

        /** An allow-list entry without a {@link HashSignature} object; see {@link #allow(HashSignature)}. */
        public void allow(HashAlgorithm algorithm, byte[] digest, long size) {
            int a = algorithm.ordinal();
            if (allowed[a] == null) {
                allowed[a] = new HashTable.Builder(algorithm);
            }
            allowed[a].add(digest, size, 0);
        }

        public void allow(HashSignature s) {
            int a = s.algorithm().ordinal();
            if (allowed[a] == null) {
                allowed[a] = new HashTable.Builder(s.algorithm());
            }
            allowed[a].add(s.digest(), s.size(), 0);
        }

        /** Number of detection signatures added (allow-list entries excluded). */
        public int count() {
            return count;
        }

        public HashTables build() {
            HashTable[][] t = new HashTable[tables.length][];
            for (int s = 0; s < tables.length; s++) {
                t[s] = new HashTable[tables[s].length];
                for (int a = 0; a < tables[s].length; a++) {
                    t[s][a] = tables[s][a] == null ? null : tables[s][a].build();
                }
            }
            HashTable[] al = new HashTable[allowed.length];
            for (int a = 0; a < allowed.length; a++) {
                al[a] = allowed[a] == null ? null : allowed[a].build();
            }
            names.trim();
            return new HashTables(t, al, names);
        }
    }
}
