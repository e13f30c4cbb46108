package dev.vigil.clamav.hex;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.ByteSet;

import java.util.ArrayList;
import java.util.List;

/**
 * The content of one {@code (...)} alternation. ClamAV first classifies it: without nested parentheses or
 * {@code ?}, and with all top-level alternatives of one length, it is a byte set (length 1) or a fixed-length string
 * set, both negatable; anything else is a generic alternation, expanded into its strings and never negatable.
 */
final class Alternates {
    private Alternates() {
    }

    static Special parse(String content, boolean negative, boolean subsigOptions) throws SignatureSyntaxException {
        Shape shape = Shape.of(content);
        if (!subsigOptions && shape.fixed) {
            return shape.longest == 2 ? charSet(content, shape.count, negative)
                    : fixedStrings(content, shape.count, negative);
        }
        if (negative) {
            throw new SignatureSyntaxException("generic alternates cannot be negated: (" + HexCodes.abbreviate(content) + ")");
        }
        List<String> expanded = new ArrayList<>();
        int end = expand(content, 0, expanded);
        if (end != content.length()) {
            throw new SignatureSyntaxException("unexpected ')' in alternation");
        }
        List<int[]> alternatives = new ArrayList<>(expanded.size());
        for (String s : expanded) {
            int[] codes = HexCodes.decode(s);
            alternatives.add(codes);
        }
        return new Special.Generic(alternatives);
    }

    private static String field(String content, int count, int i) throws SignatureSyntaxException {
        String f = count == 1 ? content : CText.strtok(content, i, '|');
        if (f == null) {
            throw new SignatureSyntaxException("empty alternative in (" + HexCodes.abbreviate(content) + ")");
        }
        return f;
    }

    private static Special charSet(String content, int count, boolean negative) throws SignatureSyntaxException {
        ByteSet set = ByteSet.NONE;
        for (int i = 0; i < count; i++) {
            byte[] b = HexCodes.decodeStatic(field(content, count, i));
            set = set.with(b.length > 0 ? b[0] : 0);
        }
        return new Special.CharSet(set, count, negative);
    }

    private static Special fixedStrings(String content, int count, boolean negative) throws SignatureSyntaxException {
        List<byte[]> strings = new ArrayList<>(count);
        int length = -1;
        for (int i = 0; i < count; i++) {
            byte[] b = HexCodes.decodeStatic(field(content, count, i));
            if (length >= 0 && b.length != length) {
                throw new SignatureSyntaxException("alternatives of different lengths");
            }
            length = b.length;
            strings.add(b);
        }
        if (length == 0) {
            throw new SignatureSyntaxException("empty alternatives");
        }
        return new Special.FixedStrings(strings, negative);
    }

    /**
     * Expands {@code alt ('|' alt)*} from {@code pos} up to an unmatched ')' or the end into {@code out};
     * returns the position of that ')' (or the length).
     */
    private static int expand(String s, int pos, List<String> out) throws SignatureSyntaxException {
        List<StringBuilder> current = new ArrayList<>();
        current.add(new StringBuilder());
        int i = pos;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (c == '|') {
                flush(current, out);
                current.clear();
                current.add(new StringBuilder());
                i++;
            } else if (c == '(') {
                if (i > pos && s.charAt(i - 1) == '!') {
                    throw new SignatureSyntaxException("generic alternates cannot contain negations");
                }
                List<String> inner = new ArrayList<>();
                int close = expand(s, i + 1, inner);
                if (close >= n) {
                    throw new SignatureSyntaxException("missing closing parenthesis");
                }
                if ((long) current.size() * inner.size() > PartCompiler.MAX_EXPANDED_ALTERNATIVES) {
                    throw new SignatureSyntaxException("alternation expands to too many strings");
                }
                List<StringBuilder> next = new ArrayList<>(current.size() * inner.size());
                for (StringBuilder prefix : current) {
                    for (String suffix : inner) {
                        next.add(new StringBuilder(prefix).append(suffix));
                    }
                }
                current = next;
                i = close + 1;
            } else if (c == ')') {
                break;
            } else {
                for (StringBuilder b : current) {
                    b.append(c);
                }
                i++;
            }
        }
        flush(current, out);
        if (out.size() > PartCompiler.MAX_EXPANDED_ALTERNATIVES) {
            throw new SignatureSyntaxException("alternation expands to too many strings");
        }
        return i;
    }

    private static void flush(List<StringBuilder> current, List<String> out) {
        for (StringBuilder b : current) {
            out.add(b.toString());
        }
    }

    /** ClamAV's classification of an alternation's text. */
    private record Shape(int count, boolean fixed, int longest) {
        static Shape of(String s) {
            boolean fixed = true;
            int longest = 0;
            int len = 0;
            int level = 0;
            int count = 1;
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '(') {
                    fixed = false;
                    level++;
                } else if (c == ')') {
                    if (level == 0) {
                        break;
                    }
                    level--;
                }
                if (level == 0 && c == '|') {
                    if (longest == 0) {
                        longest = len;
                    } else if (len != longest) {
                        fixed = false;
                        longest = Math.max(longest, len);
                    }
                    len = 0;
                    count++;
                } else {
                    if (c == '?') {
                        fixed = false;
                    }
                    len++;
                }
            }
            if (longest == 0) {
                longest = len;
            } else if (len != longest) {
                fixed = false;
                longest = Math.max(longest, len);
            }
            return new Shape(count, fixed, longest);
        }
    }
}
