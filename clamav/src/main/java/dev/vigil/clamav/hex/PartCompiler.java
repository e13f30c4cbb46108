package dev.vigil.clamav.hex;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.PatternNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Compiles one part of a hex pattern (the text between {@code *} and {@code {n-m}} separators) in the steps and
 * with the checks of ClamAV's Aho-Corasick loader: {@code [x-y]} anchors bytes, parenthesised specials, pair
 * decoding, then the trie constraints (two bytes minimum, a static two-byte run, the prefilter's needs).
 */
final class PartCompiler {
    /** ClamAV's smallest trie depth: every part needs this many positions and a static run this long. */
    static final int MIN_DEPTH = 2;
    /** Widest {@code [x-y]} range. */
    static final int MAX_ANCHOR_DISTANCE = 32;
    /** Most '(' inside one parenthesised special. */
    static final int MAX_ALTERNATION_NESTING = 15;
    /** Upper bound on the strings a nested generic alternation expands to (ClamAV has none; this guards memory). */
    static final int MAX_EXPANDED_ALTERNATIVES = 4096;

    private static final int PREFILTER_WINDOW = 255;

    private final String part;
    private final boolean prefiltered;
    private final boolean subsigOptions;

    /** Left/right anchor bytes ({@code aa[x-y]...}, {@code ...[x-y]bb}): code, or -1 for none. */
    private final int[] anchor = {-1, -1};
    private final int[] anchorMin = new int[2];
    private final int[] anchorMax = new int[2];
    private Special.Marker leftMarker;
    private Special.Marker rightMarker;
    private final List<Special> specials = new ArrayList<>();

    private PartCompiler(String part, boolean prefiltered, boolean subsigOptions) {
        this.part = part;
        this.prefiltered = prefiltered;
        this.subsigOptions = subsigOptions;
    }

    static List<PatternNode> compile(String part, boolean prefiltered, boolean subsigOptions)
            throws SignatureSyntaxException {
        return new PartCompiler(part, prefiltered, subsigOptions).compile();
    }

    private List<PatternNode> compile() throws SignatureSyntaxException {
        if (part.length() / 2 < MIN_DEPTH) {
            throw new SignatureSyntaxException("subpattern '" + HexCodes.abbreviate(part) + "' is too short");
        }
        String hex = part.indexOf('[') >= 0 ? extractAnchors(part) : part;
        String rewritten = extractSpecials(hex);
        int[] codes = HexCodes.decode(rewritten);
        if (codes.length < MIN_DEPTH) {
            throw new SignatureSyntaxException("subpattern '" + HexCodes.abbreviate(part)
                    + "' is shorter than the minimum trie depth");
        }
        if (prefiltered) {
            checkPrefilter(codes);
        }
        if (!hasStaticRun(codes)) {
            throw new SignatureSyntaxException("no static run of " + MIN_DEPTH + " bytes in subpattern '"
                    + HexCodes.abbreviate(part) + "'");
        }
        return toNodes(codes);
    }

    // ---- [x-y] anchors -------------------------------------------------------------------------------------

    private String extractAnchors(String text) throws SignatureSyntaxException {
        String hex = text;
        long[] num = new long[1];
        for (int i = 0; i < 2; i++) {
            int open = hex.indexOf('[');
            if (open < 0) {
                break;
            }
            int close = hex.indexOf(']', open + 1);
            if (close < 0) {
                throw new SignatureSyntaxException("missing ']'");
            }
            String before = hex.substring(0, open);
            String inner = hex.substring(open + 1, close);
            String after = hex.substring(close + 1);

            // sscanf(inner, "%u-%u"): one number means an exact distance
            int p = CText.scanUnsigned(inner, 0, num);
            if (p < 0) {
                throw new SignatureSyntaxException("bad range [" + inner + "]");
            }
            long n1 = num[0] & 0xffffffffL;
            long n2 = n1;
            if (p < inner.length() && inner.charAt(p) == '-') {
                int q = CText.scanUnsigned(inner, p + 1, num);
                if (q >= 0) {
                    n2 = num[0] & 0xffffffffL;
                }
            }
            if (n1 > n2 || n2 > MAX_ANCHOR_DISTANCE) {
                throw new SignatureSyntaxException("bad range [" + inner + "]");
            }
            if (before.length() == 2) {
                if (i == 1) {
                    throw new SignatureSyntaxException("a second [x-y] must follow the pattern");
                }
                setAnchor(0, before, (int) n1, (int) n2);
                hex = after;
            } else if (after.length() == 2) {
                i = 1;
                setAnchor(1, after, (int) n1, (int) n2);
                hex = before;
            } else {
                throw new SignatureSyntaxException("[x-y] must stand next to a single byte at either end");
            }
        }
        return hex;
    }

    private void setAnchor(int side, String two, int min, int max) throws SignatureSyntaxException {
        int code = HexCodes.decodePair(two, 0);
        if (code < 0) {
            throw new SignatureSyntaxException("malformed anchor byte '" + two + "'");
        }
        anchor[side] = code;
        anchorMin[side] = min;
        anchorMax[side] = max;
    }

    // ---- parenthesised specials ----------------------------------------------------------------------------

    private String extractSpecials(String hex) throws SignatureSyntaxException {
        if (hex.indexOf('(') < 0) {
            return hex;
        }
        StringBuilder out = new StringBuilder(hex.length());
        int n = hex.length();
        int start = 0;
        int open;
        while ((open = hex.indexOf('(', start)) >= 0) {
            boolean negative = open >= 1 && hex.charAt(open - 1) == '!';
            out.append(hex, start, negative ? open - 1 : open);
            int nest = 0;
            int level = 0;
            int close = -1;
            for (int k = open + 1; k < n; k++) {
                char c = hex.charAt(k);
                if (c == '(') {
                    nest++;
                    level++;
                } else if (c == ')') {
                    if (level == 0) {
                        close = k;
                        break;
                    }
                    level--;
                }
            }
            if (close < 0) {
                throw new SignatureSyntaxException("missing closing parenthesis");
            }
            String content = hex.substring(open + 1, close);
            if (content.isEmpty()) {
                throw new SignatureSyntaxException("empty ()");
            }
            if (nest > MAX_ALTERNATION_NESTING) {
                throw new SignatureSyntaxException("alternation nested too deeply");
            }
            start = close + 1;
            if (content.length() == 1 && "BLW".indexOf(content.charAt(0)) >= 0) {
                Special.Marker marker = new Special.Marker(content.charAt(0), negative);
                if (start == n) {
                    rightMarker = marker;
                    continue;
                }
                if (open == 0) {
                    leftMarker = marker;
                    continue;
                }
                specials.add(marker);
            } else {
                specials.add(Alternates.parse(content, negative, subsigOptions));
            }
            out.append("()");
        }
        out.append(hex, start, n);
        return out.toString();
    }

    // ---- trie constraints ----------------------------------------------------------------------------------

    private static boolean hasStaticRun(int[] codes) {
        for (int i = 0; i + 1 < codes.length; i++) {
            if (HexCodes.kind(codes[i]) == HexCodes.CHAR && HexCodes.kind(codes[i + 1]) == HexCodes.CHAR) {
                return true;
            }
        }
        return false;
    }

    /**
     * ClamAV's prefilter (targets 0, 1, 4, 7) refuses a pattern unless, from its start (leading specials other than
     * single-byte alternations skipped) to its first other special, it has two positions of which at least one
     * adjacent pair is not "any byte, any byte".
     */
    private void checkPrefilter(int[] codes) throws SignatureSyntaxException {
        int window = Math.min(codes.length, PREFILTER_WINDOW);
        boolean allStatic = true;
        for (int i = 0; i < window && allStatic; i++) {
            allStatic = HexCodes.kind(codes[i]) == HexCodes.CHAR;
        }
        if (allStatic) {
            return;
        }
        int i = 0;
        int special = 0;
        while (i < codes.length && HexCodes.kind(codes[i]) == HexCodes.SPECIAL
                && !(specials.get(special) instanceof Special.CharSet)) {
            special++;
            i++;
        }
        long[] widths = new long[window];
        int count = 0;
        for (; i < window; i++) {
            int code = codes[i];
            long width;
            switch (HexCodes.kind(code)) {
                case HexCodes.CHAR -> width = 1;
                case HexCodes.IGNORE -> width = 256;
                case HexCodes.NIBBLE_HIGH, HexCodes.NIBBLE_LOW -> width = 16;
                default -> {
                    Special s = specials.get(special++);
                    if (!(s instanceof Special.CharSet cs)) {
                        width = -1;
                        break;
                    }
                    width = cs.negative() ? cs.count() * 254L : cs.count();
                }
            }
            if (width < 0) {
                break;
            }
            widths[count++] = width;
        }
        if (count < 2) {
            throw new SignatureSyntaxException("the prefilter cannot use subpattern '" + HexCodes.abbreviate(part) + "'");
        }
        for (int k = 0; k + 1 < count; k++) {
            if (widths[k] * widths[k + 1] != 0x10000) {
                return;
            }
        }
        throw new SignatureSyntaxException("the prefilter rejects subpattern '" + HexCodes.abbreviate(part) + "'");
    }

    // ---- IR ------------------------------------------------------------------------------------------------

    private List<PatternNode> toNodes(int[] codes) {
        List<PatternNode> nodes = new ArrayList<>(codes.length + 4);
        // ClamAV checks anchor bytes outside the match: the part begins and ends with the bytes between them
        if (anchorApplies(0)) {
            nodes.add(LookAround.at(true, anchorSet(0), anchorMin[0], anchorMax[0]));
        }
        if (leftMarker != null) {
            nodes.add(leftMarker.leftCheck());
        }
        int special = 0;
        for (int code : codes) {
            if (HexCodes.kind(code) == HexCodes.SPECIAL) {
                nodes.addAll(specials.get(special++).nodes());
            } else {
                nodes.add(HexCodes.toByteSet(code));
            }
        }
        if (rightMarker != null) {
            nodes.add(rightMarker.rightCheck());
        }
        if (anchorApplies(1)) {
            nodes.add(LookAround.at(false, anchorSet(1), anchorMin[1], anchorMax[1]));
        }
        return nodes;
    }

    /** ClamAV skips an anchor whose code has its "ignore" flag: {@code ??} and high-nibble {@code x?}. */
    private boolean anchorApplies(int side) {
        int kind = anchor[side] < 0 ? -1 : HexCodes.kind(anchor[side]);
        return kind == HexCodes.CHAR || kind == HexCodes.NIBBLE_LOW || kind == HexCodes.SPECIAL;
    }

    private ByteSet anchorSet(int side) {
        int code = anchor[side];
        // a '(' pair decodes as a special with nothing behind it; ClamAV cannot match it sensibly
        return HexCodes.kind(code) == HexCodes.SPECIAL ? ByteSet.NONE : HexCodes.toByteSet(code);
    }
}
