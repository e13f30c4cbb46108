package dev.vigil.yara.strings;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a regular expression in YARA 4.5's dialect: no captures or back-references, {@code ^}/{@code $} only at the
 * data's start/end, an unescaped {@code {} that does not start a valid repeat is a literal, an unknown escape stands for
 * the character itself. Case folding ({@code /i}, {@code nocase}) and {@code /s} are applied to the byte sets here.
 */
final class RegexParser {

    static final int MAX_RANGE = 32767;

    private final byte[] src;
    private final boolean nocase;
    private final boolean dotAll;
    private int pos;
    private int depth;
    boolean sawGreedy;
    boolean sawLazy;
    boolean unknownEscape;

    private RegexParser(byte[] src, boolean nocase, boolean dotAll) {
        this.src = src;
        this.nocase = nocase;
        this.dotAll = dotAll;
    }

    /** Source text as YARA sees it: chars up to 0xFF are bytes, anything above is UTF-8. */
    static byte[] sourceBytes(String source) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(source.length());
        for (int i = 0; i < source.length(); i++) {
            char c = source.charAt(i);
            if (c <= 0xFF) {
                out.write(c);
            } else {
                int cp = source.codePointAt(i);
                if (Character.isSupplementaryCodePoint(cp)) {
                    i++;
                }
                out.writeBytes(new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }

    static RegexParser parse(String source, boolean nocase, boolean dotAll) {
        RegexParser p = new RegexParser(sourceBytes(source), nocase, dotAll);
        p.root = p.alternative();
        if (p.pos < p.src.length) {
            throw new StringCompileException("syntax error, unexpected ')'");
        }
        return p;
    }

    ReNode root;

    private ReNode alternative() {
        ReNode left = concatenation();
        while (pos < src.length && src[pos] == '|') {
            pos++;
            ReNode right;
            if (pos >= src.length || src[pos] == ')' || src[pos] == '|') {
                right = new ReNode(ReNode.Type.EMPTY);
            } else {
                right = concatenation();
            }
            left = ReNode.alt(left, right);
        }
        return left;
    }

    private ReNode concatenation() {
        List<ReNode> parts = new ArrayList<>();
        while (pos < src.length && src[pos] != '|' && src[pos] != ')') {
            parts.add(repeat());
        }
        if (parts.isEmpty()) {
            throw pos >= src.length ? new StringCompileException("syntax error, unexpected end of file")
                    : new StringCompileException("syntax error, unexpected '" + (char) src[pos] + "'");
        }
        return parts.size() == 1 ? parts.get(0) : ReNode.concat(parts);
    }

    private ReNode repeat() {
        int c = src[pos] & 0xFF;
        if (c == '^' || c == '$') {
            pos++;
            return new ReNode(c == '^' ? ReNode.Type.ASSERT_START : ReNode.Type.ASSERT_END);
        }
        if (c == '\\' && pos + 1 < src.length && (src[pos + 1] == 'b' || src[pos + 1] == 'B')) {
            pos += 2;
            return new ReNode(src[pos - 1] == 'b' ? ReNode.Type.WORD_BOUNDARY : ReNode.Type.NON_WORD_BOUNDARY);
        }
        ReNode single = single();
        while (pos < src.length) {
            c = src[pos] & 0xFF;
            int min;
            int max;
            if (c == '*') {
                min = 0;
                max = Integer.MAX_VALUE;
                pos++;
            } else if (c == '+') {
                min = 1;
                max = Integer.MAX_VALUE;
                pos++;
            } else if (c == '?') {
                min = 0;
                max = 1;
                pos++;
            } else if (c == '{') {
                int[] range = range();
                if (range == null) {
                    break;
                }
                min = range[0];
                max = range[1];
            } else {
                break;
            }
            boolean greedy = true;
            if (pos < src.length && src[pos] == '?') {
                greedy = false;
                pos++;
            }
            if (greedy) {
                sawGreedy = true;
            } else {
                sawLazy = true;
            }
            ReNode r = ReNode.repeat(single, min, max, greedy);
            r.dotAny = single.dotAny;
            r.rangeAny = single.dotAny && c == '{';
            single = r;
            // YARA's grammar takes one quantifier per atom; a second one is a syntax error.
            if (pos < src.length && (src[pos] == '*' || src[pos] == '+' || src[pos] == '?')) {
                throw new StringCompileException("syntax error, unexpected '" + (char) src[pos] + "'");
            }
            if (pos < src.length && src[pos] == '{' && rangeAt(pos) != null) {
                throw new StringCompileException("syntax error, unexpected _RANGE_");
            }
            break;
        }
        return single;
    }

    /** Parses {n}, {n,}, {,m} or {n,m} at pos; null (and pos unchanged) when it is a literal '{'. */
    private int[] range() {
        int[] r = rangeAt(pos);
        if (r == null) {
            return null;
        }
        pos = r[2];
        if (r[0] > MAX_RANGE || r[1] != Integer.MAX_VALUE && r[1] > MAX_RANGE) {
            throw new StringCompileException("repeat interval too large");
        }
        if (r[1] != Integer.MAX_VALUE && r[0] > r[1]) {
            throw new StringCompileException("bad repeat interval");
        }
        return r;
    }

    private int[] rangeAt(int at) {
        int i = at + 1;
        long lo = -1;
        long hi;
        int digits = 0;
        long v = 0;
        i = skipBlanks(i);
        while (i < src.length && src[i] >= '0' && src[i] <= '9') {
            v = Math.min(v * 10 + (src[i] - '0'), 1L << 40);
            i++;
            digits++;
        }
        if (digits > 0) {
            lo = v;
        }
        i = skipBlanks(i);
        if (i < src.length && src[i] == '}') {
            if (lo < 0) {
                return null;
            }
            return new int[] {(int) Math.min(lo, Integer.MAX_VALUE - 1), (int) Math.min(lo, Integer.MAX_VALUE - 1),
                    i + 1};
        }
        if (i >= src.length || src[i] != ',') {
            return null;
        }
        i = skipBlanks(i + 1);
        v = 0;
        int hiDigits = 0;
        while (i < src.length && src[i] >= '0' && src[i] <= '9') {
            v = Math.min(v * 10 + (src[i] - '0'), 1L << 40);
            i++;
            hiDigits++;
        }
        i = skipBlanks(i);
        if (i >= src.length || src[i] != '}') {
            return null;
        }
        if (digits == 0 && hiDigits == 0) {
            return null;
        }
        hi = hiDigits == 0 ? Integer.MAX_VALUE : Math.min(v, Integer.MAX_VALUE - 1);
        return new int[] {digits == 0 ? 0 : (int) Math.min(lo, Integer.MAX_VALUE - 1), (int) hi, i + 1};
    }

    private int skipBlanks(int i) {
        while (i < src.length && src[i] == ' ') {
            i++;
        }
        return i;
    }

    private ReNode single() {
        int c = src[pos] & 0xFF;
        switch (c) {
            case '(' -> {
                pos++;
                if (++depth > ReNode.MAX_DEPTH) {
                    throw new StringCompileException("regular expression is too complex");
                }
                if (pos < src.length && src[pos] == ')') {
                    throw new StringCompileException("syntax error, unexpected ')'");
                }
                ReNode inner = alternative();
                if (pos >= src.length || src[pos] != ')') {
                    throw new StringCompileException("syntax error, unexpected end of file, expecting ')'");
                }
                pos++;
                depth--;
                return inner;
            }
            case '.' -> {
                pos++;
                long[] set = {-1L, -1L, -1L, -1L};
                if (!dotAll) {
                    set[0] &= ~(1L << '\n');
                }
                // YARA's atom heuristic counts '.' like a hex '??'.
                ReNode n = ReNode.bytes(set, ReNode.ByteKind.ANY, 0, 0);
                n.dotAny = true;
                return n;
            }
            case '[' -> {
                return charClass();
            }
            case '*', '+', '?' -> throw new StringCompileException("syntax error, unexpected '" + (char) c + "'");
            case '\\' -> {
                long[] set = new long[4];
                int lit = escape(set);
                return lit >= 0 ? literalNode(lit) : ReNode.bytes(set, ReNode.ByteKind.OTHER, 0, 0);
            }
            default -> {
                if (c == '{' && rangeAt(pos) != null) {
                    throw new StringCompileException("syntax error, unexpected _RANGE_");
                }
                pos++;
                return literalNode(c);
            }
        }
    }

    private ReNode literalNode(int b) {
        ReNode n = ReNode.literal(b);
        if (nocase) {
            ReNode.add(n.set, altercase(b));
        }
        return n;
    }

    static int altercase(int b) {
        if (b >= 'a' && b <= 'z') {
            return b - 32;
        }
        if (b >= 'A' && b <= 'Z') {
            return b + 32;
        }
        return b;
    }

    /**
     * Reads the escape at pos (a backslash). Returns the byte for a single-byte escape, or -1 after adding a class
     * such as \w to {@code set}.
     */
    private int escape(long[] set) {
        pos++;
        if (pos >= src.length) {
            throw new StringCompileException("syntax error, unexpected end of file");
        }
        int c = src[pos++] & 0xFF;
        switch (c) {
            case 'x' -> {
                int hi = pos < src.length ? Character.digit(src[pos], 16) : -1;
                int lo = pos + 1 < src.length ? Character.digit(src[pos + 1], 16) : -1;
                if (hi < 0 || lo < 0) {
                    throw new StringCompileException("illegal escape sequence");
                }
                pos += 2;
                return hi << 4 | lo;
            }
            case 't' -> {
                return '\t';
            }
            case 'n' -> {
                return '\n';
            }
            case 'r' -> {
                return '\r';
            }
            case 'f' -> {
                return '\f';
            }
            case 'a' -> {
                return 7;
            }
            case 'w', 'W', 's', 'S', 'd', 'D' -> {
                long[] cls = new long[4];
                for (int b = 0; b < 256; b++) {
                    boolean in = switch (Character.toLowerCase((char) c)) {
                        case 'w' -> isAlnum(b) || b == '_';
                        case 's' -> b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == 0x0B || b == '\f';
                        default -> b >= '0' && b <= '9';
                    };
                    if (in != Character.isUpperCase((char) c)) {
                        ReNode.add(cls, b);
                    }
                }
                for (int i = 0; i < 4; i++) {
                    set[i] |= cls[i];
                }
                return -1;
            }
            default -> {
                // YARA takes any escaped byte literally, but only these are escapes it knows; the others warn
                // under --strict-escape.
                if (KNOWN_LITERAL_ESCAPES.indexOf(c) < 0) {
                    unknownEscape = true;
                }
                return c;
            }
        }
    }

    private static final String KNOWN_LITERAL_ESCAPES = "\\^$.|()[]*+?\"'-{}#:_=/!,@<>~&%";

    static boolean isAlnum(int b) {
        return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
    }

    private ReNode charClass() {
        pos++; // '['
        boolean negated = false;
        if (pos < src.length && src[pos] == '^') {
            negated = true;
            pos++;
        }
        long[] set = new long[4];
        boolean first = true;
        while (true) {
            if (pos >= src.length) {
                throw new StringCompileException("syntax error, unexpected end of file");
            }
            int c = src[pos] & 0xFF;
            if (c == ']' && !first) {
                pos++;
                break;
            }
            first = false;
            int lo;
            if (c == '\\') {
                lo = escape(set);
                if (lo < 0) {
                    continue;
                }
            } else {
                pos++;
                lo = c;
            }
            if (pos + 1 < src.length && src[pos] == '-' && src[pos + 1] != ']') {
                pos++;
                int hi;
                if (src[pos] == '\\') {
                    long[] ignored = new long[4];
                    hi = escape(ignored);
                    if (hi < 0) {
                        throw new StringCompileException("bad character range");
                    }
                } else {
                    hi = src[pos++] & 0xFF;
                }
                if (hi < lo) {
                    throw new StringCompileException("bad character range");
                }
                for (int b = lo; b <= hi; b++) {
                    ReNode.add(set, b);
                }
            } else {
                ReNode.add(set, lo);
            }
        }
        if (nocase) {
            for (int b = 0; b < 256; b++) {
                if (ReNode.has(set, b)) {
                    ReNode.add(set, altercase(b));
                }
            }
        }
        if (negated) {
            for (int i = 0; i < 4; i++) {
                set[i] = ~set[i];
            }
        }
        return ReNode.bytes(set, ReNode.ByteKind.OTHER, 0, 0);
    }
}
