package dev.vigil.clamav.hex;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses ClamAV's hex body-pattern syntax into the engine IR, accepting and refusing exactly what ClamAV 1.4's
 * loader does. ClamAV rewrites the text in steps (short {@code {n}} to {@code ??}, split at {@code *} and long
 * gaps, {@code [x-y]} anchors, parenthesised specials, pair decoding) and several of its checks depend on those
 * intermediate texts, so this parser follows the same steps.
 */
public final class HexPatternParser {
    /** Use as {@code target} when no target-specific (prefilter) checks apply. */
    public static final int NO_TARGET = -1;

    /** {@code {n}} below this becomes n {@code ??} bytes; from it on it splits the pattern like a range. */
    static final int INLINE_GAP_LIMIT = 128;

    private HexPatternParser() {
    }

    /** Parses with the checks every ClamAV matcher root applies (no prefilter checks). */
    public static BodyPattern parse(String hex) throws SignatureSyntaxException {
        return parse(hex, NO_TARGET, false);
    }

    /** Parses a pattern destined for signatures of {@code target} (0..14), applying that root's extra checks. */
    public static BodyPattern parse(String hex, int target) throws SignatureSyntaxException {
        return parse(hex, target, false);
    }

    /**
     * @param target        the signature's target type, or {@link #NO_TARGET}; targets 0, 1, 4 and 7 use ClamAV's
     *                      prefilter, which refuses some patterns the matcher itself would take
     * @param subsigOptions the pattern carries logical-subsignature modifiers ({@code ::i}, {@code ::w}, ...): ClamAV
     *                      then treats every alternation as generic (so {@code !(..)} is refused)
     */
    public static BodyPattern parse(String hex, int target, boolean subsigOptions) throws SignatureSyntaxException {
        String text = expandShortGaps(hex);
        boolean prefiltered = target == 0 || target == 1 || target == 4 || target == 7;
        if (text.indexOf('{') < 0 && text.indexOf('*') < 0) {
            return BodyPattern.of(new Part(PartCompiler.compile(text, prefiltered, subsigOptions)));
        }
        checkNoSplitInsideParentheses(text);

        List<List<PatternNode>> parts = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        boolean[] neverMatches = new boolean[1];
        int n = text.length();
        int start = 0;
        while (true) {
            int sep = nextSeparator(text, start);
            if (sep < 0) {
                parts.add(PartCompiler.compile(text.substring(start), prefiltered, subsigOptions));
                break;
            }
            parts.add(PartCompiler.compile(text.substring(start, sep), prefiltered, subsigOptions));
            if (text.charAt(sep) == '*') {
                gaps.add(Gap.ANY);
                start = sep + 1;
            } else {
                int close = text.indexOf('}', sep + 1);
                if (close < 0) {
                    throw new SignatureSyntaxException("missing '}'");
                }
                gaps.add(parseGap(text, sep + 1, close, neverMatches));
                start = close + 1;
            }
            if (start > n) {
                throw new SignatureSyntaxException("pattern ends with a gap");
            }
        }
        List<Part> out = new ArrayList<>(parts.size());
        for (List<PatternNode> p : parts) {
            out.add(new Part(p));
        }
        if (neverMatches[0]) {
            // a gap whose maximum is below its minimum: ClamAV loads it, and it can never match
            List<PatternNode> last = new ArrayList<>(parts.get(parts.size() - 1));
            last.add(ByteSet.NONE);
            out.set(out.size() - 1, new Part(last));
        }
        return new BodyPattern(out, gaps);
    }

    private static int nextSeparator(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{' || c == '*') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Rewrites {@code {n}} (0 < n < 128, read the way {@code sscanf("%zu")} reads it) to n {@code ??}, from the left,
     * stopping at the first brace that is anything else: from there on every brace splits the pattern.
     */
    static String expandShortGaps(String hex) {
        int brace = hex.indexOf('{');
        if (brace < 0) {
            return hex;
        }
        StringBuilder out = null;
        int copied = 0;
        long[] num = new long[1];
        while (brace >= 0) {
            int end = CText.scanUnsigned(hex, brace + 1, num);
            if (end < 0 || end >= hex.length() || hex.charAt(end) != '}'
                    || num[0] <= 0 || num[0] >= INLINE_GAP_LIMIT) {
                break;
            }
            if (out == null) {
                out = new StringBuilder(hex.length() + 64);
            }
            out.append(hex, copied, brace);
            out.repeat("??", (int) num[0]);
            copied = end + 1;
            brace = hex.indexOf('{', copied);
        }
        if (out == null) {
            return hex;
        }
        return out.append(hex, copied, hex.length()).toString();
    }

    private static void checkNoSplitInsideParentheses(String text) throws SignatureSyntaxException {
        int nest = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '(') {
                nest++;
            } else if (c == ')') {
                nest--;
            } else if ((c == '{' || c == '*') && nest != 0) {
                throw new SignatureSyntaxException("alternatives cannot contain '*' or ranged gaps");
            }
        }
    }

    /** {@code n}, {@code n-m}, {@code -m}, {@code n-}: ClamAV's reading, including its leniency. */
    private static Gap parseGap(String text, int from, int to, boolean[] neverMatches) throws SignatureSyntaxException {
        String body = text.substring(from, to);
        long min;
        long max;
        if (body.indexOf('-') < 0) {
            min = max = distance(body);
        } else {
            String lo = CText.strtok(body, 0, '-');
            String hi = CText.strtok(body, 1, '-');
            if (CText.strtok(body, 2, '-') != null) {
                throw new SignatureSyntaxException("bad gap {" + body + "}");
            }
            min = lo == null ? 0 : distance(lo);
            max = hi == null ? 0 : distance(hi);
        }
        // a maximum of 0 means "no maximum" to ClamAV, whichever way it was written
        if (max == 0) {
            return new Gap(min, Gap.UNBOUNDED);
        }
        if (max < min) {
            neverMatches[0] = true;
            return new Gap(min, Gap.UNBOUNDED);
        }
        return new Gap(min, max);
    }

    private static long distance(String s) throws SignatureSyntaxException {
        if (!CText.isNumber(s)) {
            throw new SignatureSyntaxException("bad gap value '" + HexCodes.abbreviate(s) + "'");
        }
        int v = CText.atoi(s);
        if (v < 0) {
            throw new SignatureSyntaxException("bad gap value '" + HexCodes.abbreviate(s) + "'");
        }
        return v;
    }
}
