package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.clamav.hex.HexPatternParser;
import dev.vigil.clamav.hex.OffsetParser;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.filetype.MagicRule;
import dev.vigil.engine.filetype.TargetType;
import dev.vigil.engine.ir.OffsetSpec;

import java.util.ArrayList;
import java.util.List;

/**
 * File-type magic ({@code .ftm}): {@code kind:offset:magic:name:requiredType:type[:minfl[:maxfl]]}. Kinds 0 and 4
 * compare bytes at a fixed offset, kind 1 is a body pattern; other kinds are skipped. A file without any usable rule
 * is refused, as ClamAV does.
 */
public final class FtmReader {
    private static final int MAX_FIELDS = 8;

    private FtmReader() {
    }

    public static void read(DbFile file, LoadSession session) throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        Fields f = new Fields(MAX_FIELDS + 1);
        byte[] b = file.content();
        long flevel = session.flevel();
        List<MagicRule> rules = new ArrayList<>();
        int line = 0;
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            line++;
            f.split(b, lines.start(), lines.end(), (byte) ':');
            if (f.count < 6 || f.count > MAX_FIELDS) {
                throw new DatabaseException(file.displayName(), lines.number(), "expected 6 to 8 ':'-separated fields");
            }
            if (f.outsideLevel(b, 6, flevel, file.displayName(), lines.number())) {
                continue;
            }
            String required = f.text(b, 4);
            String type = f.text(b, 5);
            if (!ClamTypes.isKnown(required) || !ClamTypes.isKnown(type)) {
                throw new DatabaseException(file.displayName(), lines.number(), "unknown file type");
            }
            if (!Numbers.isNumber(b, f.from[0], f.to[0])) {
                throw new DatabaseException(file.displayName(), lines.number(), "invalid magic kind");
            }
            int kind = Numbers.atoi(b, f.from[0], f.to[0]);
            String offset = f.text(b, 1);
            String magic = f.text(b, 2);
            String description = f.text(b, 3);
            try {
                if (kind == 1) {
                    if (description.isEmpty() || description.startsWith(" (Clam)")) {
                        throw new SignatureSyntaxException("empty type name");
                    }
                    OffsetSpec placement = OffsetParser.parse(offset, TargetType.ANY);
                    long fixed = placement instanceof OffsetSpec.Absolute a ? a.offset() : -1;
                    rules.add(new MagicRule(1, fixed, null, HexPatternParser.parse(magic, TargetType.ANY), description,
                            FileType.of(required), FileType.of(type), placement));
                } else if (kind == 0 || kind == 4) {
                    if (!Numbers.isNumber(b, f.from[1], f.to[1])) {
                        throw new SignatureSyntaxException("invalid offset");
                    }
                    byte[] bytes = staticBytes(magic);
                    rules.add(new MagicRule(kind, Integer.toUnsignedLong(Numbers.atoi(b, f.from[1], f.to[1])), bytes,
                            null, description, FileType.of(required), FileType.of(type)));
                }
            } catch (SignatureSyntaxException e) {
                throw new DatabaseException(file.displayName(), lines.number(), e.getMessage());
            }
        }
        if (rules.isEmpty()) {
            throw new DatabaseException(file.displayName(), line, "empty filetype database");
        }
        rules.forEach(session.builder()::add);
    }

    private static byte[] staticBytes(String hex) throws SignatureSyntaxException {
        if ((hex.length() & 1) != 0) {
            throw new SignatureSyntaxException("odd number of hex characters");
        }
        byte[] out = new byte[hex.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int h = dev.vigil.clamav.hex.CText.hexDigit(hex.charAt(2 * i));
            int l = dev.vigil.clamav.hex.CText.hexDigit(hex.charAt(2 * i + 1));
            if (h < 0 || l < 0) {
                throw new SignatureSyntaxException("malformed hex string");
            }
            out[i] = (byte) ((h << 4) | l);
        }
        return out;
    }
}
