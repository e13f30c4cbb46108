package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.clamav.hex.CText;
import dev.vigil.clamav.hex.HexPatternParser;
import dev.vigil.clamav.hex.OffsetParser;
import dev.vigil.engine.filetype.TargetType;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Body-signature databases: extended {@code .ndb/.ndu/.sdb} ({@code name:target:offset:hex[:minfl[:maxfl]]}) and the
 * legacy {@code .db} ({@code name=hex}, any file, anywhere).
 */
public final class BodyDbReader {
    private static final int NDB_FIELDS = 6;
    /** ClamAV's Boyer-Moore matcher, used for purely static patterns, needs at least this many bytes. */
    static final int BOYER_MOORE_MIN = 3;

    private BodyDbReader() {
    }

    public static void readNdb(DbFile file, LoadSession session) throws DatabaseException {
        try (DbLines lines = file.lines(DbLines.FILE_BUFFER)) {
            readNdb(file, session, lines);
        }
    }

    private static void readNdb(DbFile file, LoadSession session, DbLines lines) throws DatabaseException {
        Fields f = new Fields(NDB_FIELDS + 1);
        byte[] b = lines.data();
        long flevel = session.flevel();
        int loaded = 0;
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            f.split(b, lines.start(), lines.end(), (byte) ':');
            int line = lines.number();
            if (f.count < 4 || f.count > NDB_FIELDS) {
                throw new DatabaseException(file.displayName(), line, "expected 4 to 6 ':'-separated fields");
            }
            String rawName = f.text(b, 0);
            if (session.ignored().ignores(rawName, b, lines.start(), lines.end())) {
                continue;
            }
            if (f.outsideLevel(b, 4, flevel, file.displayName(), line)) {
                continue;
            }
            if (!f.is(b, 1, "*") && !Numbers.isNumber(b, f.from[1], f.to[1])) {
                throw new DatabaseException(file.displayName(), line, "invalid target type");
            }
            int target = Numbers.atoi(b, f.from[1], f.to[1]);
            if (target < 0 || target >= TargetType.LIMIT) {
                continue;
            }
            try {
                String name = SignatureNames.display(rawName, file.official());
                String offset = f.text(b, 2);
                String hex = f.text(b, 3);
                session.builder().add(new BodySignature(name, target, offsetOf(offset, target),
                        pattern(hex, target, offset)));
            } catch (SignatureSyntaxException e) {
                throw new DatabaseException(file.displayName(), line, e.getMessage());
            }
            loaded++;
        }
        if (lines.number() == 0) {
            throw new DatabaseException(file.displayName(), 0, "empty database file");
        }
        session.counted(loaded);
    }

    public static void readLegacyDb(DbFile file, LoadSession session) throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        byte[] b = file.content();
        int loaded = 0;
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            int eq = -1;
            for (int i = lines.start(); i < lines.end(); i++) {
                if (b[i] == '=') {
                    eq = i;
                    break;
                }
            }
            if (eq < 0) {
                throw new DatabaseException(file.displayName(), lines.number(), "malformed pattern line (no '=')");
            }
            String rawName = new String(b, lines.start(), eq - lines.start(), java.nio.charset.StandardCharsets.UTF_8);
            if (session.ignored().ignores(rawName, b, lines.start(), lines.end())) {
                continue;
            }
            if (eq + 1 < lines.end() && b[eq + 1] == '=') {
                continue;
            }
            String hex = new String(b, eq + 1, lines.end() - eq - 1, java.nio.charset.StandardCharsets.ISO_8859_1);
            try {
                String name = SignatureNames.display(rawName, file.official());
                session.builder().add(new BodySignature(name, TargetType.ANY, new OffsetSpec.Any(),
                        pattern(hex, TargetType.ANY, "*")));
            } catch (SignatureSyntaxException e) {
                throw new DatabaseException(file.displayName(), lines.number(), e.getMessage());
            }
            loaded++;
        }
        if (lines.number() == 0) {
            throw new DatabaseException(file.displayName(), 0, "empty database file");
        }
        session.counted(loaded);
    }

    static OffsetSpec offsetOf(String offset, int target) throws SignatureSyntaxException {
        return OffsetParser.parse(offset, target);
    }

    /**
     * The pattern of an ndb/db signature. ClamAV sends purely static patterns of targets 0 and 1 (target 1 only with
     * a fixed offset) to its Boyer-Moore matcher, which has its own rules: at least three bytes and no prefilter.
     */
    public static BodyPattern pattern(String hex, int target, String offset) throws SignatureSyntaxException {
        if (usesBoyerMoore(hex, target, offset)) {
            return staticPattern(hex);
        }
        return HexPatternParser.parse(hex, target);
    }

    static boolean usesBoyerMoore(String hex, int target, String offset) {
        if (target != TargetType.ANY && target != TargetType.PE) {
            return false;
        }
        for (int i = 0; i < hex.length(); i++) {
            if ("{*?([".indexOf(hex.charAt(i)) >= 0) {
                return false;
            }
        }
        if (target == TargetType.PE && (offset.equals("*") || offset.indexOf(',') >= 0)) {
            return false;
        }
        return !offset.contains("VI") && offset.indexOf('$') < 0;
    }

    private static BodyPattern staticPattern(String hex) throws SignatureSyntaxException {
        if ((hex.length() & 1) != 0) {
            throw new SignatureSyntaxException("odd number of hex characters");
        }
        List<PatternNode> nodes = new ArrayList<>(hex.length() / 2);
        for (int i = 0; i < hex.length(); i += 2) {
            int h = CText.hexDigit(hex.charAt(i));
            int l = CText.hexDigit(hex.charAt(i + 1));
            if (h < 0 || l < 0) {
                throw new SignatureSyntaxException("malformed hex string");
            }
            nodes.add(ByteSet.of((h << 4) | l));
        }
        if (nodes.size() < BOYER_MOORE_MIN) {
            throw new SignatureSyntaxException("static signature shorter than " + BOYER_MOORE_MIN + " bytes");
        }
        return BodyPattern.of(new Part(nodes));
    }
}
