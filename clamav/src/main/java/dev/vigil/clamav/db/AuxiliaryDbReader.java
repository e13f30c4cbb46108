package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;

/**
 * Databases ClamAV loads but Vigil does not use yet. They are checked enough to refuse what clamscan refuses in the
 * common cases and counted as clamscan counts them; their content is dropped:
 * <ul>
 *   <li>{@code .idb} icon signatures (counted), {@code .pdb}/{@code .gdb} phishing lists (counted), {@code .wdb}
 *       phishing allow-list, {@code .crb} certificate rules, {@code .zmd}/{@code .rmd} legacy archive metadata
 *       (counted), {@code .pwdb} archive passwords: line syntax checked;</li>
 *   <li>{@code .cfg} engine configuration, {@code .cbc} bytecode (clamscan skips unsigned bytecode), {@code .ioc},
 *       {@code .cat}, {@code .yar}/{@code .yara} (clamscan 1.4 keeps loading after YARA syntax errors): accepted;</li>
 *   <li>{@code .info} outside a container: refused, as by clamscan.</li>
 * </ul>
 */
public final class AuxiliaryDbReader {
    private static final int ICON_HASH_LENGTH = 124;

    private AuxiliaryDbReader() {
    }

    /** Returns false when the file name is not one of these formats. */
    public static boolean read(DbFile file, LoadSession session) throws DatabaseException {
        String n = file.lowerName();
        if (n.endsWith(".idb")) {
            session.counted(icons(file, session));
        } else if (n.endsWith(".crb")) {
            tokenCount(file, ':', 13, true, false);
        } else if (n.endsWith(".pdb") || n.endsWith(".gdb")) {
            session.counted(regexList(file, n.endsWith(".pdb") ? "RH" : "S"));
        } else if (n.endsWith(".wdb")) {
            regexList(file, "XMY");
        } else if (n.endsWith(".zmd") || n.endsWith(".rmd")) {
            session.counted(archiveMetadata(file));
        } else if (n.endsWith(".pwdb")) {
            if (tokenCount(file, ';', 4, false, true) == 0) {
                throw new DatabaseException(file.displayName(), 0, "empty password database");
            }
        } else if (n.endsWith(".info")) {
            if (!file.fromContainer()) {
                throw new DatabaseException(file.displayName(), 0, ".info files can only be loaded from within containers");
            }
        } else if (!(n.endsWith(".cfg") || n.endsWith(".cbc") || n.endsWith(".ioc") || n.endsWith(".cat")
                || n.endsWith(".yar") || n.endsWith(".yara"))) {
            return false;
        }
        return true;
    }

    private static int icons(DbFile file, LoadSession session) throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        Fields f = new Fields(5);
        byte[] b = file.content();
        int count = 0;
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            f.split(b, lines.start(), lines.end(), (byte) ':');
            if (f.count != 4 || f.length(3) != ICON_HASH_LENGTH) {
                throw new DatabaseException(file.displayName(), lines.number(), "malformed icon hash");
            }
            if (session.ignored().ignores(f.text(b, 0), b, lines.start(), lines.end())) {
                continue;
            }
            for (int i = f.from[3]; i < f.to[3]; i++) {
                if (dev.vigil.clamav.hex.CText.hexDigit((char) (b[i] & 0xff)) < 0) {
                    throw new DatabaseException(file.displayName(), lines.number(), "malformed icon hash");
                }
            }
            int size = (dev.vigil.clamav.hex.CText.hexDigit((char) b[f.from[3]]) << 4)
                    + dev.vigil.clamav.hex.CText.hexDigit((char) b[f.from[3] + 1]);
            if (size != 16 && size != 24 && size != 32) {
                throw new DatabaseException(file.displayName(), lines.number(), "malformed icon hash size");
            }
            count++;
        }
        if (lines.number() == 0) {
            throw new DatabaseException(file.displayName(), 0, "empty database file");
        }
        return count;
    }

    /** Counts non-comment, non-blank lines; each must have exactly {@code tokens} fields. */
    private static int tokenCount(DbFile file, char delim, int tokens, boolean skipBlank, boolean skipBlankToo)
            throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        Fields f = new Fields(tokens + 1);
        int count = 0;
        while (lines.next()) {
            if (lines.isComment() || (skipBlank && lines.end() == lines.start())) {
                continue;
            }
            f.split(file.content(), lines.start(), lines.end(), (byte) delim);
            if (f.count != tokens) {
                throw new DatabaseException(file.displayName(), lines.number(), "invalid number of fields");
            }
            count++;
        }
        return count;
    }

    /** Phishing lists: {@code P:...} lines whose prefix letter is one of {@code kinds}; blank lines are skipped. */
    private static int regexList(DbFile file, String kinds) throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        byte[] b = file.content();
        int count = 0;
        while (lines.next()) {
            int s = lines.start();
            int e = lines.end();
            if (lines.isComment() || s == e) {
                continue;
            }
            int i = s + 1;
            while (i < e && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
            if (kinds.indexOf(b[s]) < 0 || i >= e || b[i] != ':') {
                throw new DatabaseException(file.displayName(), lines.number(), "malformed regex list line");
            }
            count++;
        }
        return count;
    }

    private static int archiveMetadata(DbFile file) throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        Fields f = new Fields(10);
        byte[] b = file.content();
        int count = 0;
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            f.split(b, lines.start(), lines.end(), (byte) ':');
            if (f.count != 9) {
                throw new DatabaseException(file.displayName(), lines.number(), "expected 9 fields");
            }
            for (int i : new int[] {1, 3, 4, 6, 7}) {
                if (!f.is(b, i, "*") && !Numbers.isNumber(b, f.from[i], f.to[i])) {
                    throw new DatabaseException(file.displayName(), lines.number(), "invalid number in field " + i);
                }
            }
            count++;
        }
        if (lines.number() == 0) {
            throw new DatabaseException(file.displayName(), 0, "empty database file");
        }
        return count;
    }
}
