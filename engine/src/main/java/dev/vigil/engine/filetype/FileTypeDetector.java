package dev.vigil.engine.filetype;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import dev.vigil.engine.match.ReferenceMatcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Determines a file's type from its first bytes as ClamAV's {@code cli_determine_fmap_type} does:
 * <ol>
 * <li>kind-0 rules, newest first, compared inside the first 1024 bytes; the first hit decides;</li>
 * <li>otherwise the text classifier (ASCII, UTF-8, UTF-16, binary), and the tar checksum test for binary data;</li>
 * <li>for text and binary data, kind-1 patterns over the same 1024 bytes: a match replaces the type when its type
 * number is higher, is an SFX-class type or is {@code CL_TYPE_MSEXE}; {@code CL_TYPE_IGNORED} wins outright; SFX
 * results are dropped (they are found later by the raw scan);</li>
 * <li>if that found nothing, HTML patterns over a byte-halving UTF-16 decoding give {@code CL_TYPE_HTML_UTF16}, and
 * over a proper decoding of UTF-16 text with a byte-order mark give {@code CL_TYPE_HTML}.</li>
 * </ol>
 * Database rules: when any database supplies a kind-0 rule, ClamAV loads none of its built-in table (not even its
 * patterns); otherwise the built-ins come after the database rules. Later kind-0 rules are tried first.
 */
public final class FileTypeDetector {
    /** Bytes of a file ClamAV types from. */
    public static final int WINDOW = 1024;
    /** Bytes of a partition image ClamAV types from. */
    public static final int PARTITION_WINDOW = 1028;

    private static final Set<String> SFX_TYPES = Set.of("CL_TYPE_ZIPSFX", "CL_TYPE_ARJSFX", "CL_TYPE_RARSFX",
            "CL_TYPE_EGGSFX", "CL_TYPE_CABSFX", "CL_TYPE_7ZSFX");
    private static final int MSEXE_CODE = ClamavTypeCodes.code(FileType.MSEXE);
    private static final int SFX_CODE = ClamavTypeCodes.code(FileType.of("CL_TYPE_SFX"));
    private static final int BINARY_CODE = ClamavTypeCodes.code(FileType.BINARY_DATA);

    private final List<MagicRule> rules;
    private final List<MagicRule> fileMagic;
    private final List<MagicRule> partitionMagic;
    private final List<MagicRule> patterns;
    /** For each of {@link #patterns}: bytes every match contains (see {@link #requiredLiteral}). */
    private final byte[][] patternLiterals;
    /** The rules that came from databases (what an engine image stores). */
    private final List<MagicRule> databaseRules;

    private FileTypeDetector(List<MagicRule> rules, List<MagicRule> databaseRules) {
        this.databaseRules = List.copyOf(databaseRules);
        this.rules = List.copyOf(rules);
        this.fileMagic = newestFirst(rules, 0);
        this.partitionMagic = newestFirst(rules, 4);
        this.patterns = rules.stream().filter(r -> r.kind() == 1 && r.pattern() != null).toList();
        this.patternLiterals = patterns.stream().map(r -> requiredLiteral(r.pattern())).toArray(byte[][]::new);
    }

    /** The built-in table, extended (and overridden) by rules from databases, in load order. */
    public static FileTypeDetector withDefaults(List<MagicRule> extra) {
        List<MagicRule> all = new ArrayList<>(extra);
        boolean databaseHasFileMagic = extra.stream().anyMatch(r -> r.kind() == 0);
        if (!databaseHasFileMagic) {
            all.addAll(BuiltinMagic.rules());
        }
        return new FileTypeDetector(all, extra);
    }

    /** The rules given to {@link #withDefaults}, in their order. */
    public List<MagicRule> databaseRules() {
        return databaseRules;
    }

    /** The effective rules in load order (database rules, then built-ins when ClamAV would load them). */
    public List<MagicRule> rules() {
        return rules;
    }

    private static List<MagicRule> newestFirst(List<MagicRule> rules, int kind) {
        List<MagicRule> out = new ArrayList<>(rules.stream().filter(r -> r.kind() == kind && r.magic() != null)
                .toList());
        java.util.Collections.reverse(out);
        return List.copyOf(out);
    }

    /** The type of a file; {@code CL_TYPE_ERROR} for empty data, which ClamAV never types. */
    public FileType detect(ScanInput input) throws IOException {
        byte[] buf = input.readFully(0, (int) Math.min(WINDOW, input.size()));
        if (buf.length == 0) {
            return FileType.ERROR;
        }
        FileType type = compareMagic(fileMagic, buf);
        if (type == null) {
            type = TextDetector.classify(buf, buf.length);
        }
        if (type.equals(FileType.BINARY_DATA)) {
            int tar = TarHeader.kind(buf, buf.length);
            if (tar == 1) {
                return FileType.OLD_TAR;
            }
            if (tar == 2) {
                return FileType.POSIX_TAR;
            }
        }
        int code = ClamavTypeCodes.code(type);
        if (code < ClamavTypeCodes.FIRST || code > BINARY_CODE) {
            return type;
        }
        FileType found = scanPatterns(buf, type);
        if (found != null && ClamavTypeCodes.code(found) >= ClamavTypeCodes.FIRST
                && !SFX_TYPES.contains(found.name())) {
            return found;
        }
        return htmlInUtf16(buf, type);
    }

    /** The type of a partition image from kind-4 rules, or {@code CL_TYPE_PART_ANY}. */
    public FileType detectPartition(ScanInput input) throws IOException {
        byte[] buf = input.readFully(0, (int) Math.min(PARTITION_WINDOW, input.size()));
        FileType type = compareMagic(partitionMagic, buf);
        return type == null ? FileType.PART_ANY : type;
    }

    private static FileType compareMagic(List<MagicRule> rules, byte[] buf) {
        for (MagicRule r : rules) {
            byte[] m = r.magic();
            if (r.offset() >= 0 && r.offset() + m.length <= buf.length
                    && Arrays.equals(buf, (int) r.offset(), (int) r.offset() + m.length, m, 0, m.length)) {
                return r.type();
            }
        }
        return null;
    }

    /**
     * The longest run of literal bytes in any part of the pattern: every match contains it, so a window without it
     * needs no run of the (deliberately simple, slow) reference matcher. Typing every file stays cheap this way.
     */
    private static byte[] requiredLiteral(BodyPattern p) {
        byte[] best = new byte[0];
        for (Part part : p.parts()) {
            java.io.ByteArrayOutputStream run = new java.io.ByteArrayOutputStream();
            for (PatternNode n : part.nodes()) {
                if (n instanceof ByteSet b && b.isSingleton()) {
                    run.write(b.singleValue());
                } else {
                    if (run.size() > best.length) {
                        best = run.toByteArray();
                    }
                    run.reset();
                }
            }
            if (run.size() > best.length) {
                best = run.toByteArray();
            }
        }
        return best;
    }

    private static boolean contains(byte[] buf, byte[] literal) {
        if (literal.length == 0) {
            return true;
        }
        int first = literal[0];
        for (int i = 0, last = buf.length - literal.length; i <= last; i++) {
            if (buf[i] == first && Arrays.equals(buf, i, i + literal.length, literal, 0, literal.length)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Kind-1 patterns over {@code buf}, with {@code current} as the type they may require. Matches are taken in the
     * order of their end offsets (ClamAV reports a pattern when its scan reaches the pattern's last part), rules in
     * load order at equal offsets. Returns null when no rule changed the type.
     */
    FileType scanPatterns(byte[] buf, FileType current) {
        record Hit(long end, int order, MagicRule rule) {
        }
        List<Hit> hits = new ArrayList<>();
        for (int i = 0; i < patterns.size(); i++) {
            MagicRule r = patterns.get(i);
            if (!r.requiredType().equals(FileType.ANY) && !r.requiredType().equals(current)) {
                continue;
            }
            OffsetSpec.Window w = typingWindow(r.placement());
            if (w == null || !contains(buf, patternLiterals[i])) {
                continue;
            }
            long best = ReferenceMatcher.firstEnd(r.pattern(), buf, 0, buf.length, w.from(), w.to());
            if (best >= 0) {
                hits.add(new Hit(best, i, r));
            }
        }
        hits.sort((a, b) -> a.end() != b.end() ? Long.compare(a.end(), b.end()) : Integer.compare(a.order(), b.order()));
        int result = 0;
        FileType resultType = null;
        for (Hit h : hits) {
            FileType t = h.rule().type();
            if (t.equals(FileType.IGNORED)) {
                return FileType.IGNORED;
            }
            int code = ClamavTypeCodes.code(t);
            if (code > result || code >= SFX_CODE || code == MSEXE_CODE) {
                result = code;
                resultType = t;
            }
        }
        return resultType;
    }

    /** Relative placements (EOF-n) are not resolved while typing, so they cannot match then. */
    private static OffsetSpec.Window typingWindow(OffsetSpec placement) {
        return switch (placement) {
            case OffsetSpec.Any any -> new OffsetSpec.Window(0, Long.MAX_VALUE);
            case OffsetSpec.Absolute abs -> new OffsetSpec.Window(abs.offset(), abs.offset() + abs.shift());
            default -> null;
        };
    }

    private FileType htmlInUtf16(byte[] buf, FileType type) {
        if (buf.length >= 2) {
            // ClamAV's quick decoding: each little-endian pair becomes (high << 4) + signed low, in one byte.
            byte[] halved = new byte[buf.length / 2];
            for (int i = 0; i < halved.length; i++) {
                halved[i] = (byte) (((buf[2 * i + 1] & 0xff) << 4) + buf[2 * i]);
            }
            if (FileType.HTML.equals(scanPatterns(halved, FileType.TEXT_ASCII))) {
                return FileType.HTML_UTF16;
            }
        }
        byte[] decoded = decodeWithByteOrderMark(buf);
        if (decoded != null && FileType.HTML.equals(scanPatterns(decoded, FileType.ANY))) {
            return FileType.HTML;
        }
        return type;
    }

    /** UTF-16 text announced by a byte-order mark (or by {@code "<?"} in big-endian), re-encoded as UTF-8. */
    private static byte[] decodeWithByteOrderMark(byte[] buf) {
        if (buf.length < 4) {
            return null;
        }
        int b0 = buf[0] & 0xff;
        int b1 = buf[1] & 0xff;
        int b2 = buf[2] & 0xff;
        int b3 = buf[3] & 0xff;
        java.nio.charset.Charset charset = null;
        if (b0 == 0xff && b1 == 0xfe && !(b2 == 0 && b3 == 0)) {
            charset = StandardCharsets.UTF_16LE;
        } else if (b0 == 0xfe && b1 == 0xff && !(b2 == 0 && b3 == 0)) {
            charset = StandardCharsets.UTF_16BE;
        } else if (b0 == 0 && b1 == 0x3c && b2 == 0 && b3 == 0x3f) {
            charset = StandardCharsets.UTF_16BE;
        }
        if (charset == null) {
            return null;
        }
        byte[] utf8 = new String(buf, 0, buf.length & ~1, charset).getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(utf8, Math.min(utf8.length, 2 * (PARTITION_WINDOW + 1)));
    }
}
