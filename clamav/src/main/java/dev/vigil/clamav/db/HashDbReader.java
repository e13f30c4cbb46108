package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.clamav.hex.CText;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;

import java.nio.charset.StandardCharsets;

/**
 * Hash databases: {@code .hdb .hsb .hdu .hsu .fp .sfp} ({@code hash:size:name[:minfl[:maxfl]]}), {@code .mdb .msb .mdu
 * .msu} (size first), {@code .imp} (import-table hashes, size may be {@code *} without an FLEVEL). The algorithm is
 * told by the hash's length. Parsed on bytes: these files hold millions of lines.
 */
public final class HashDbReader {
    /** Which table a file feeds, as ClamAV's loader modes. */
    public enum Mode {
        FILE(HashScope.FILE, false, 1, 0), SECTION(HashScope.PE_SECTION, false, 0, 1),
        IMPORTS(HashScope.PE_IMPORTS, false, 1, 0), ALLOW(HashScope.FILE, true, 1, 0);

        final HashScope scope;
        final boolean allowList;
        final int sizeField;
        final int hashField;

        Mode(HashScope scope, boolean allowList, int sizeField, int hashField) {
            this.scope = scope;
            this.allowList = allowList;
            this.sizeField = sizeField;
            this.hashField = hashField;
        }
    }

    /** Size {@code *} needs this FLEVEL or higher declared (except in .imp). */
    static final int WILDCARD_SIZE_FLEVEL = 73;
    private static final int MAX_FIELDS = 5;

    private HashDbReader() {
    }

    public static void read(DbFile file, Mode mode, LoadSession session) throws DatabaseException {
        try (DbLines lines = file.lines(DbLines.FILE_BUFFER)) {
            read(file, mode, session, lines);
        }
    }

    private static void read(DbFile file, Mode mode, LoadSession session, DbLines lines) throws DatabaseException {
        Fields f = new Fields(MAX_FIELDS + 1);
        byte[] b = lines.data();
        long flevel = session.flevel();
        byte[] digest = new byte[32]; // reused: the builder copies it
        int loaded = 0;
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            f.split(b, lines.start(), lines.end(), (byte) ':');
            if (f.count < 3 || f.count > MAX_FIELDS) {
                throw new DatabaseException(file.displayName(), lines.number(), "expected 3 to 5 ':'-separated fields");
            }
            long minLevel = 0;
            if (f.count > 3) {
                minLevel = Integer.toUnsignedLong(Numbers.atoi(b, f.from[3], f.to[3]));
                if (flevel < minLevel) {
                    continue;
                }
                if (f.count == 5 && flevel > Integer.toUnsignedLong(Numbers.atoi(b, f.from[4], f.to[4]))) {
                    continue;
                }
            }
            long size;
            int sf = mode.sizeField;
            if (f.length(sf) == 1 && b[f.from[sf]] == '*') {
                size = HashSignature.ANY_SIZE;
                if (mode != Mode.IMPORTS && (f.count < 4 || minLevel < WILDCARD_SIZE_FLEVEL)) {
                    throw new DatabaseException(file.displayName(), lines.number(),
                            "size '*' needs a minimum FLEVEL of at least " + WILDCARD_SIZE_FLEVEL);
                }
            } else {
                size = Numbers.strtoulWhole(b, f.from[sf], f.to[sf]);
                if (size == Numbers.INVALID || size == 0 || Long.compareUnsigned(size, 0xffffffffL) >= 0) {
                    throw new DatabaseException(file.displayName(), lines.number(), "invalid size field");
                }
            }
            int nameFrom = f.from[2];
            int nameTo = f.to[2];
            if (!session.ignored().isEmpty() && session.ignored().ignores(f.text(b, 2), b, lines.start(), lines.end())) {
                continue;
            }
            // ASCII names (nearly all) go from the line into the name table as bytes; others through a String,
            // whose decoding replaces malformed UTF-8 as before.
            byte[] nameBytes = b;
            byte[] suffix = null;
            try {
                if (SignatureNames.isAscii(b, nameFrom, nameTo)) {
                    nameTo = SignatureNames.displayEnd(b, nameFrom, nameTo);
                    suffix = file.official() ? null : SignatureNames.UNOFFICIAL_BYTES;
                } else {
                    nameBytes = SignatureNames.display(f.text(b, 2), file.official()).getBytes(StandardCharsets.UTF_8);
                    nameFrom = 0;
                    nameTo = nameBytes.length;
                }
            } catch (SignatureSyntaxException e) {
                throw new DatabaseException(file.displayName(), lines.number(), e.getMessage());
            }
            int digestLength = digest(b, f.from[mode.hashField], f.to[mode.hashField], digest);
            if (digestLength < 0) {
                throw new DatabaseException(file.displayName(), lines.number(), "malformed hash string");
            }
            HashAlgorithm algorithm = HashAlgorithm.ofLength(digestLength);
            if (mode.allowList) {
                session.builder().allowHash(algorithm, digest, size);
            } else {
                session.builder().addHash(mode.scope, algorithm, digest, size, nameBytes, nameFrom, nameTo, suffix);
            }
            loaded++;
        }
        if (lines.number() == 0) {
            throw new DatabaseException(file.displayName(), 0, "empty database file");
        }
        session.counted(loaded);
    }

    /** 32, 40 or 64 hex digits to bytes; null otherwise. */
    static byte[] digest(byte[] b, int from, int to) {
        byte[] out = new byte[32];
        int len = digest(b, from, to, out);
        return len < 0 ? null : java.util.Arrays.copyOf(out, len);
    }

    /** 32, 40 or 64 hex digits to bytes in {@code out}; returns the digest's length, or -1 when malformed. */
    static int digest(byte[] b, int from, int to, byte[] out) {
        int len = to - from;
        if (len != 32 && len != 40 && len != 64) {
            return -1;
        }
        for (int i = 0; i < len / 2; i++) {
            int h = CText.hexDigit((char) (b[from + 2 * i] & 0xff));
            int l = CText.hexDigit((char) (b[from + 2 * i + 1] & 0xff));
            if (h < 0 || l < 0) {
                return -1;
            }
            out[i] = (byte) ((h << 4) | l);
        }
        return len / 2;
    }
}
