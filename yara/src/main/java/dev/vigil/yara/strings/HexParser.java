package dev.vigil.yara.strings;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses the body of a YARA hex string (the text between the braces) into a pattern tree. Jumps become non-greedy
 * repeats of "any byte"; a jump may neither start nor end a sequence, and inside alternatives it must be bounded and
 * at most 200 bytes, as in YARA 4.5.
 */
final class HexParser {

    static final int CHAINING_THRESHOLD = 200;

    /** The set of each literal byte value and of "any byte", shared by all nodes that read them (read-only). */
    private static final long[][] LITERAL_SETS = new long[256][];
    private static final long[] ANY_SET = {-1L, -1L, -1L, -1L};

    static {
        for (int b = 0; b < 256; b++) {
            LITERAL_SETS[b] = new long[4];
            ReNode.add(LITERAL_SETS[b], b);
        }
    }

    private final String src;
    private int pos;
    private int insideAlternatives;

    private HexParser(String src) {
        this.src = src;
    }

    /** @throws StringCompileException with the reason, as YARA words it */
    static ReNode parse(String body) {
        HexParser p = new HexParser(body);
        ReNode seq = p.sequence();
        p.skipSpace();
        if (p.pos < p.src.length()) {
            throw p.syntaxError();
        }
        return seq;
    }

    private ReNode sequence() {
        List<ReNode> parts = new ArrayList<>();
        boolean lastWasJump = false;
        while (true) {
            skipSpace();
            if (pos >= src.length()) {
                break;
            }
            char c = src.charAt(pos);
            if (c == '|' || c == ')') {
                break;
            }
            if (c == '[') {
                if (parts.isEmpty()) {
                    throw syntaxError();
                }
                parts.add(jump());
                lastWasJump = true;
            } else {
                parts.add(token());
                lastWasJump = false;
            }
        }
        if (parts.isEmpty() || lastWasJump) {
            throw syntaxError();
        }
        return parts.size() == 1 ? parts.get(0) : ReNode.concat(parts);
    }

    private ReNode token() {
        char c = src.charAt(pos);
        if (c == '(') {
            pos++;
            insideAlternatives++;
            if (insideAlternatives > ReNode.MAX_DEPTH) {
                throw new StringCompileException("regular expression is too complex");
            }
            ReNode result = sequence();
            skipSpace();
            while (pos < src.length() && src.charAt(pos) == '|') {
                pos++;
                result = ReNode.alt(result, sequence());
                skipSpace();
            }
            if (pos >= src.length() || src.charAt(pos) != ')') {
                throw syntaxError();
            }
            pos++;
            insideAlternatives--;
            return result;
        }
        boolean not = false;
        if (c == '~') {
            not = true;
            pos++;
            skipSpace();
            if (pos + 2 > src.length()) {
                throw syntaxError();
            }
        }
        if (pos + 2 > src.length()) {
            throw syntaxError();
        }
        int hi = nibble(src.charAt(pos));
        int lo = nibble(src.charAt(pos + 1));
        if (hi == -2 || lo == -2) {
            throw syntaxError();
        }
        pos += 2;
        int mask = (hi >= 0 ? 0xF0 : 0) | (lo >= 0 ? 0x0F : 0);
        int value = ((hi >= 0 ? hi : 0) << 4) | (lo >= 0 ? lo : 0);
        if (not && mask == 0) {
            throw new StringCompileException("invalid not operator (~) in hex string");
        }
        if (!not && mask == 0xFF) {
            // most hex bytes: one shared set per value (nothing changes a hex node's set after parsing)
            return ReNode.bytes(LITERAL_SETS[value], ReNode.ByteKind.LITERAL, value, mask);
        }
        if (!not && mask == 0) {
            return ReNode.bytes(ANY_SET, ReNode.ByteKind.ANY, value, mask);
        }
        // Only the free nibbles vary (16 or 256 bytes); a hex string has thousands of bytes, each built here.
        long[] set = new long[4];
        int free = ~mask & 0xFF;
        for (int b = free; ; b = (b - 1) & free) {
            ReNode.add(set, value | b);
            if (b == 0) {
                break;
            }
        }
        if (not) {
            for (int i = 0; i < set.length; i++) {
                set[i] = ~set[i];
            }
        }
        if (not) {
            return ReNode.bytes(set, ReNode.ByteKind.OTHER, value, mask);
        }
        ReNode.ByteKind kind = mask == 0xFF ? ReNode.ByteKind.LITERAL
                : mask == 0 ? ReNode.ByteKind.ANY : ReNode.ByteKind.MASKED;
        return ReNode.bytes(set, kind, value, mask);
    }

    /** -1 for '?', -2 for anything that is no nibble. */
    private static int nibble(char c) {
        if (c == '?') {
            return -1;
        }
        int d = Character.digit(c, 16);
        return d < 0 || c > 'f' ? -2 : d;
    }

    private ReNode jump() {
        pos++; // '['
        skipSpace();
        long lo;
        long hi;
        if (peek() == '-') {
            pos++;
            skipSpace();
            expect(']');
            if (insideAlternatives > 0) {
                throw new StringCompileException("unbounded jumps not allowed inside alternation (|)");
            }
            return anyRepeat(0, Integer.MAX_VALUE);
        }
        lo = number();
        skipSpace();
        if (peek() == ']') {
            pos++;
            if (lo <= 0) {
                throw new StringCompileException("invalid jump length");
            }
            if (insideAlternatives > 0 && lo > CHAINING_THRESHOLD) {
                throw tooLongInAlternation();
            }
            if (lo > Integer.MAX_VALUE) {
                throw new StringCompileException("invalid jump length");
            }
            if (lo == 1) {
                long[] all = {-1L, -1L, -1L, -1L};
                return ReNode.bytes(all, ReNode.ByteKind.ANY, 0, 0);
            }
            return anyRepeat((int) lo, (int) lo);
        }
        expect('-');
        skipSpace();
        if (peek() == ']') {
            pos++;
            if (insideAlternatives > 0) {
                throw new StringCompileException("unbounded jumps not allowed inside alternation (|)");
            }
            if (lo > Integer.MAX_VALUE) {
                throw new StringCompileException("invalid jump length");
            }
            return anyRepeat((int) lo, Integer.MAX_VALUE);
        }
        hi = number();
        skipSpace();
        expect(']');
        if (insideAlternatives > 0 && (lo > CHAINING_THRESHOLD || hi > CHAINING_THRESHOLD)) {
            throw tooLongInAlternation();
        }
        if (lo > Integer.MAX_VALUE || hi > Integer.MAX_VALUE) {
            throw new StringCompileException("invalid jump length");
        }
        if (lo > hi) {
            throw new StringCompileException("invalid jump range");
        }
        return anyRepeat((int) lo, (int) hi);
    }

    private static StringCompileException tooLongInAlternation() {
        return new StringCompileException("jumps over " + CHAINING_THRESHOLD + " not allowed inside alternation (|)");
    }

    private static ReNode anyRepeat(int min, int max) {
        long[] all = {-1L, -1L, -1L, -1L};
        ReNode any = ReNode.bytes(all, ReNode.ByteKind.ANY, 0, 0);
        any.dotAny = true;
        ReNode r = ReNode.repeat(any, min, max, false);
        r.dotAny = true;
        r.rangeAny = true;
        return r;
    }

    private long number() {
        int start = pos;
        long v = 0;
        while (pos < src.length() && src.charAt(pos) >= '0' && src.charAt(pos) <= '9') {
            v = Math.min(v * 10 + (src.charAt(pos) - '0'), 1L << 40);
            pos++;
        }
        if (pos == start) {
            throw syntaxError();
        }
        return v;
    }

    private char peek() {
        return pos < src.length() ? src.charAt(pos) : '\0';
    }

    private void expect(char c) {
        if (peek() != c) {
            throw syntaxError();
        }
        pos++;
    }

    /** Blanks and the comments YARA's hex lexer accepts between tokens. */
    private void skipSpace() {
        while (pos < src.length()) {
            char c = src.charAt(pos);
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                pos++;
            } else if (c != '/') {
                break;
            } else if (src.startsWith("//", pos)) {
                while (pos < src.length() && src.charAt(pos) != '\n') {
                    pos++;
                }
            } else if (src.startsWith("/*", pos)) {
                int end = src.indexOf("*/", pos + 2);
                pos = end < 0 ? src.length() : end + 2;
            } else {
                break;
            }
        }
    }

    private StringCompileException syntaxError() {
        if (pos >= src.length()) {
            return new StringCompileException("syntax error, unexpected end of file");
        }
        return new StringCompileException("syntax error, unexpected character '" + src.charAt(pos) + "'");
    }
}
