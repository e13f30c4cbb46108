package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.ContainerSignature;
import dev.vigil.engine.ir.ContainerSignature.MetaRange;


/**
 * Container metadata ({@code .cdb}): {@code name:containerType:containerSize:fileNameRegex:sizeInContainer:realSize:
 * encrypted:filePos:res1:res2[:minfl[:maxfl]]}. Parsed, checked and counted like ClamAV, and added to the engine as
 * {@link ContainerSignature}s, which the recursive scanner (module unpack) tests on every container entry. The
 * file-name regex is checked as ClamAV's POSIX regex compiler does. {@code res1} and {@code res2} are read and
 * ignored, as ClamAV 1.4 ignores them.
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
            session.builder().add(new ContainerSignature(name, container.equals("*") ? null : container,
                    range(f.text(b, 2)), f.is(b, 3, "*") ? null : f.text(b, 3), range(f.text(b, 4)),
                    range(f.text(b, 5)), f.is(b, 6, "*") ? -1 : f.text(b, 6).charAt(0) - '0', range(f.text(b, 7))));
            loaded++;
        }
        if (lines.number() == 0) {
            throw new DatabaseException(file.displayName(), 0, "empty database file");
        }
        session.counted(loaded);
    }

    /** A validated range field as ClamAV stores it: null for {@code *}, else the two bounds as unsigned ints. */
    private static MetaRange range(String s) {
        if (s.equals("*")) {
            return null;
        }
        int dash = s.indexOf('-');
        if (dash < 0) {
            long v = unsigned(s, 0);
            return new MetaRange(v, v);
        }
        return new MetaRange(unsigned(s, 0), unsigned(s, dash + 1));
    }

    /** What {@code %u} (or atoi) reads at {@code from}, wrapped to 32 bits as ClamAV stores it. */
    private static long unsigned(String s, int from) {
        int i = from;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long v = 0;
        while (i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            v = (v * 10 + (s.charAt(i) - '0')) & 0xffffffffL;
            i++;
        }
        return negative ? (-v) & 0xffffffffL : v;
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
