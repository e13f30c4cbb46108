package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.SignatureSyntaxException;


/**
 * Container metadata ({@code .cdb}): {@code name:containerType:containerSize:fileNameRegex:sizeInContainer:realSize:
 * encrypted:filePos:res1:res2[:minfl[:maxfl]]}. Parsed, checked and counted like ClamAV; not added to the engine
 * yet (Vigil does not open containers). The file-name regex is checked as ClamAV's POSIX regex compiler does.
 */
public final class CdbReader {
    private static final int MAX_FIELDS = 12;

    private CdbReader() {
    }

    public static void read(DbFile file, LoadSession session) throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        Fields f = new Fields(MAX_FIELDS + 1);
        byte[] b = file.content();
        long flevel = session.flevel();
        int loaded = 0;
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            int line = lines.number();
            f.split(b, lines.start(), lines.end(), (byte) ':');
            if (f.count > MAX_FIELDS || f.count < MAX_FIELDS - 2) {
                throw new DatabaseException(file.displayName(), line, "expected 10 to 12 ':'-separated fields");
            }
            if (f.outsideLevel(b, 10, flevel, file.displayName(), line)) {
                continue;
            }
            String name;
            try {
                name = SignatureNames.display(f.text(b, 0), file.official());
            } catch (SignatureSyntaxException e) {
                throw new DatabaseException(file.displayName(), line, e.getMessage());
            }
            if (session.ignored().ignores(name, b, lines.start(), lines.end())) {
                continue;
            }
            String container = f.text(b, 1);
            if (!container.equals("*") && !ClamTypes.isKnown(container)) {
                throw new DatabaseException(file.displayName(), line, "unknown container type " + container);
            }
            if (!f.is(b, 3, "*") && !PosixEre.isValid(java.util.Arrays.copyOfRange(b, f.from[3], f.to[3]))) {
                throw new DatabaseException(file.displayName(), line, "bad file-name regular expression");
            }
            for (int i : new int[] {2, 4, 5, 7}) {
                if (!validRange(f.text(b, i))) {
                    throw new DatabaseException(file.displayName(), line, "invalid value in field " + (i + 1));
                }
            }
            if (!f.is(b, 6, "*") && !f.is(b, 6, "0") && !f.is(b, 6, "1")) {
                throw new DatabaseException(file.displayName(), line, "invalid encryption flag");
            }
            loaded++;
        }
        if (lines.number() == 0) {
            throw new DatabaseException(file.displayName(), 0, "empty database file");
        }
        session.counted(loaded);
    }

    /** {@code *}, a number, or {@code sscanf("%u-%u")} reading two numbers. */
    private static boolean validRange(String s) {
        if (s.equals("*")) {
            return true;
        }
        int dash = s.indexOf('-');
        if (dash < 0) {
            return dev.vigil.clamav.hex.CText.isNumber(s);
        }
        return scanUnsigned(s, 0) == dash && scanUnsigned(s, dash + 1) > dash + 1;
    }

    /** End of a {@code %u} conversion at {@code from}, or -1. */
    private static int scanUnsigned(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        int d = i;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && s.charAt(i) < 128) {
            i++;
        }
        return i == d ? -1 : i;
    }
}
