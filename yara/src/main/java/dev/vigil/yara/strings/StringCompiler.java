package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Turns a string declaration into a {@link CompiledString}, with YARA 4.5's errors and warnings. */
public final class StringCompiler {

    /** A compiled string and the warnings YARA would print for it (without file/line prefix). */
    public record Result(CompiledString string, List<String> warnings) {
    }

    private static final byte[] STANDARD_ALPHABET =
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);

    /** Start ranges from this wide on get the tail check before trying the starts. */
    private static final int TAIL_CHECK_MIN_SPREAD = 16;

    private StringCompiler() {
    }

    public static CompiledString compileString(StringDecl decl) {
        return compile(decl).string();
    }

    /**
     * @throws StringCompileException with YARA's message, e.g. {@code invalid hex string "$a": invalid jump length}
     */
    public static Result compile(StringDecl decl) {
        return compile(decl, false);
    }

    /**
     * As {@link #compile(StringDecl)}; with {@code strictEscape} (YARA's {@code --strict-escape}) an escape YARA does
     * not know in a regular expression ({@code \c}, {@code \ }) adds the warning "unknown escape sequence".
     */
    public static Result compile(StringDecl decl, boolean strictEscape) {
        StringModifiers m = decl.modifiers() == null ? StringModifiers.NONE : decl.modifiers();
        String id = decl.identifier();
        List<String> warnings = new ArrayList<>();
        boolean empty = decl.kind() == StringDecl.Kind.TEXT ? decl.text() == null || decl.text().length == 0
                : decl.source() == null || decl.source().isEmpty();
        if (empty) {
            throw new StringCompileException("empty string \"" + id + "\"");
        }
        return switch (decl.kind()) {
            case TEXT -> {
                if (m.base64() || m.base64Wide()) {
                    yield base64(id, decl.text(), m, warnings);
                }
                LiteralString s = new LiteralString(id, decl.text(), m.nocase(), m.ascii(), m.wide(), m.fullword(),
                        m.xor(), m.xor() ? m.xorMin() : 0, m.xor() ? m.xorMax() : 0);
                slowWarning(id, s.minQuality(), warnings);
                yield new Result(s, warnings);
            }
            case HEX -> {
                ReNode root;
                try {
                    root = HexParser.parse(decl.source());
                } catch (StringCompileException e) {
                    throw new StringCompileException("invalid hex string \"" + id + "\": " + e.getMessage());
                }
                try {
                    yield pattern(id, root, false, true, false, false, false, warnings);
                } catch (StringCompileException e) {
                    throw e.getMessage().startsWith("invalid") ? e
                            : new StringCompileException("invalid hex string \"" + id + "\": " + e.getMessage());
                }
            }
            case REGEX -> {
                RegexParser p;
                boolean nocase = decl.nocaseFlag() || m.nocase();
                try {
                    p = RegexParser.parse(decl.source(), nocase, decl.dotAllFlag());
                } catch (StringCompileException e) {
                    throw new StringCompileException("invalid regular expression \"" + id + "\": " + e.getMessage());
                }
                if (strictEscape && p.unknownEscape) {
                    warnings.add("unknown escape sequence");
                }
                if (p.sawGreedy && p.sawLazy) {
                    throw new StringCompileException("invalid regular expression \"" + id
                            + "\": greedy and ungreedy quantifiers can't be mixed in a regular expression");
                }
                if (unboundedDot(p.root)) {
                    warnings.add(id + " contains .*, .+ or .{x,} consider using .{,N}, .{1,N} or {x,N} with a "
                            + "reasonable value for N");
                }
                byte[] literal = literalOf(p.root);
                if (literal != null) {
                    LiteralString s = new LiteralString(id, literal, nocase, m.ascii(), m.wide(), m.fullword(),
                            false, 0, 0);
                    slowWarning(id, s.minQuality(), warnings);
                    yield new Result(s, warnings);
                }
                try {
                    yield pattern(id, p.root, p.sawGreedy, m.ascii(), m.wide(), m.fullword(), true, warnings);
                } catch (StringCompileException e) {
                    throw e.getMessage().startsWith("invalid") ? e
                            : new StringCompileException("invalid regular expression \"" + id + "\": "
                            + e.getMessage());
                }
            }
        };
    }

    /**
     * Whether yara warns about {@code .*}, {@code .+} or {@code .{x,}} in this regex: it looks at the top-level
     * sequence and the sequences within it only, not inside alternatives or quantified groups ({@code (a.*b)?} and
     * {@code (a.*b|c)} pass without a warning).
     */
    static boolean unboundedDot(ReNode n) {
        if (n.type == ReNode.Type.REPEAT && n.dotAny && n.max == Integer.MAX_VALUE) {
            return true;
        }
        if (n.type == ReNode.Type.CONCAT) {
            for (ReNode child : n.children) {
                if (unboundedDot(child)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void slowWarning(String id, int quality, List<String> warnings) {
        if (quality < AtomQuality.WARNING_THRESHOLD) {
            warnings.add("string \"" + id + "\" may slow down scanning");
        }
    }

    /** The bytes of a pattern that is one plain literal (YARA then treats it as a text string), else null. */
    private static byte[] literalOf(ReNode root) {
        List<ReNode> parts = root.type == ReNode.Type.CONCAT ? root.children : List.of(root);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ReNode n : parts) {
            if (n.type != ReNode.Type.BYTES || n.byteKind != ReNode.ByteKind.LITERAL) {
                return null;
            }
            out.write(n.value);
        }
        return out.toByteArray();
    }

    private static Result pattern(String id, ReNode root, boolean greedy, boolean ascii, boolean wide,
                                  boolean fullword, boolean isRegex, List<String> warnings) {
        if (ReNode.splits(root) > ReNode.MAX_SPLITS) {
            throw new StringCompileException((isRegex ? "invalid regular expression \"" : "invalid hex string \"") + id
                    + "\": regular expression is too complex");
        }
        if (!isRegex) {
            byte[] literal = literalOf(root);
            if (literal != null) {
                LiteralString s = new LiteralString(id, literal, false, true, false, false, false, 0, 0);
                slowWarning(id, s.minQuality(), warnings);
                return new Result(s, warnings);
            }
        }
        // Split at long non-greedy jumps of the top-level sequence, as YARA chains strings.
        List<ReNode> pieceRoots = new ArrayList<>();
        List<Integer> gapMins = new ArrayList<>();
        List<Long> gapMaxs = new ArrayList<>();
        gapMins.add(0);
        gapMaxs.add(0L);
        if (root.type == ReNode.Type.CONCAT) {
            List<ReNode> current = new ArrayList<>();
            List<ReNode> kids = root.children;
            for (int i = 0; i < kids.size(); i++) {
                ReNode c = kids.get(i);
                boolean split = c.type == ReNode.Type.REPEAT && c.rangeAny && !c.greedy && i > 0 && i < kids.size() - 1
                        && (c.min > HexParser.CHAINING_THRESHOLD || c.max > HexParser.CHAINING_THRESHOLD);
                if (split) {
                    pieceRoots.add(current.size() == 1 ? current.get(0) : ReNode.concat(current));
                    current = new ArrayList<>();
                    gapMins.add(c.min);
                    gapMaxs.add(c.max == Integer.MAX_VALUE ? Long.MAX_VALUE : c.max);
                } else {
                    current.add(c);
                }
            }
            pieceRoots.add(current.size() == 1 ? current.get(0) : ReNode.concat(current));
        } else {
            pieceRoots.add(root);
        }

        int quality = AtomQuality.MAX_QUALITY;
        int[] pieceQuality = new int[pieceRoots.size()];
        for (int i = 0; i < pieceQuality.length; i++) {
            pieceQuality[i] = AtomQuality.ofTree(pieceRoots.get(i));
            quality = Math.min(quality, pieceQuality[i]);
        }
        slowWarning(id, quality, warnings);

        int n = pieceRoots.size();
        PatternAtoms.Choice[] choices = new PatternAtoms.Choice[n];
        boolean allHaveAtoms = true;
        for (int i = 0; i < n; i++) {
            choices[i] = PatternAtoms.choose(pieceRoots.get(i), PatternString.SCAN_LIMIT);
            allHaveAtoms &= choices[i] != null;
        }
        List<byte[]> atoms = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        List<Boolean> isAsciiEntry = new ArrayList<>();
        List<int[]> ranges = new ArrayList<>();
        if (allHaveAtoms) {
            for (int i = 0; i < n; i++) {
                PatternAtoms.Choice c = choices[i];
                for (int j = 0; j < c.atoms().size(); j++) {
                    byte[] a = c.atoms().get(j);
                    if (ascii) {
                        atoms.add(a);
                        isAsciiEntry.add(true);
                        owner.add(i);
                        ranges.add(new int[] {c.minOff()[j], c.maxOff()[j]});
                    }
                    if (wide) {
                        int chars = Math.min(2, a.length);
                        byte[] w = new byte[chars * 2];
                        for (int k = 0; k < chars; k++) {
                            w[2 * k] = a[k];
                        }
                        if (sameWideEntry(atoms, isAsciiEntry, owner, ranges, i, w, c.minOff()[j] * 2,
                                Math.min(c.maxOff()[j] * 2, PatternString.SCAN_LIMIT))) {
                            // atoms that differ past their first two characters widen to the same atom:
                            // one entry is enough (each entry is verified on its own at every hit)
                            continue;
                        }
                        atoms.add(w);
                        isAsciiEntry.add(false);
                        owner.add(i);
                        ranges.add(new int[] {c.minOff()[j] * 2,
                                Math.min(c.maxOff()[j] * 2, PatternString.SCAN_LIMIT)});
                    }
                }
            }
        }
        PatternString.Piece[] pieces = new PatternString.Piece[n];
        for (int i = 0; i < n; i++) {
            int[] lo = new int[atoms.size()];
            int[] hi = new int[atoms.size()];
            for (int j = 0; j < atoms.size(); j++) {
                if (owner.get(j) == i) {
                    lo[j] = ranges.get(j)[0];
                    hi[j] = ranges.get(j)[1];
                }
            }
            boolean noAtom = AtomQuality.findsNoAtom(pieceQuality[i]);
            JumpMatcher jumps = JumpMatcher.of(pieceRoots.get(i), PatternString.SCAN_LIMIT);
            int[] place = null;
            // Whether the NFA (and the tail program) can ever run: not for an ascii-only piece whose every atom has
            // one place in the jump matcher, as verification and the hit filters then go by the jump matcher alone.
            // Most hex strings are such pieces; skipping their programs saves compile time and memory.
            boolean needsProgram = jumps == null || !ascii || wide;
            if (!needsProgram) {
                place = new int[atoms.size()];
                java.util.Arrays.fill(place, -1);
                for (int j = 0; j < atoms.size(); j++) {
                    if (owner.get(j) == i) {
                        place[j] = jumps.locate(atoms.get(j), lo[j], hi[j], PatternString.SCAN_LIMIT);
                        needsProgram |= place[j] < 0;
                    }
                }
            }
            Program prog = null;
            long[] first = needsProgram ? null : leadingSet(pieceRoots.get(i));
            if (needsProgram || first == null) {
                prog = Program.compile(pieceRoots.get(i), PatternString.SCAN_LIMIT + 1);
                first = prog.firstBytes;
            }
            pieces[i] = new PatternString.Piece(needsProgram ? prog : null, first, jumps, lo, hi, noAtom);
            pieces[i].atomPlace = place;
            if (atoms.isEmpty() && n == 1) {
                // verified at every offset: what each start must begin with is worth knowing
                Program p = prog != null ? prog : Program.compile(pieceRoots.get(i), PatternString.SCAN_LIMIT + 1);
                pieces[i].everyPrefix = p.prefixSets(PatternString.PREFIX_DEPTH);
            }
            int tailFrom = choices[i] == null ? -1 : choices[i].tailFrom();
            if (allHaveAtoms && tailFrom >= 0 && needsProgram) {
                ReNode pr = pieceRoots.get(i);
                List<ReNode> rest = pr.type == ReNode.Type.CONCAT ? pr.children.subList(tailFrom, pr.children.size())
                        : List.of(pr);
                boolean[] has = new boolean[atoms.size()];
                boolean[] isWide = new boolean[atoms.size()];
                for (int j = 0; j < atoms.size(); j++) {
                    // only worth it where a hit would otherwise try many starts; a wide atom's tail is wide text
                    has[j] = owner.get(j) == i && hi[j] - lo[j] >= TAIL_CHECK_MIN_SPREAD;
                    isWide[j] = !isAsciiEntry.get(j);
                }
                pieces[i].tail = Program.compile(ReNode.concat(new ArrayList<>(rest)), PatternString.SCAN_LIMIT + 1);
                pieces[i].atomHasTail = has;
                pieces[i].atomIsWide = isWide;
            }
        }
        // loops, not streams: this runs for every hex string and regex
        int[] atomPiece = new int[owner.size()];
        for (int j = 0; j < atomPiece.length; j++) {
            atomPiece[j] = owner.get(j);
        }
        int[] gapMin = new int[n];
        long[] gapMax = new long[n];
        for (int j = 0; j < n; j++) {
            gapMin[j] = gapMins.get(j);
            gapMax[j] = gapMaxs.get(j);
        }
        return new Result(new PatternString(id, pieces, atomPiece, atoms, gapMin, gapMax, ascii, wide, fullword,
                greedy), warnings);
    }

    /** Whether an earlier wide entry of piece {@code piece} has the atom {@code w} and the same start range. */
    private static boolean sameWideEntry(List<byte[]> atoms, List<Boolean> isAsciiEntry, List<Integer> owner,
                                         List<int[]> ranges, int piece, byte[] w, int lo, int hi) {
        for (int k = atoms.size() - 1; k >= 0 && owner.get(k) == piece; k--) {
            if (!isAsciiEntry.get(k) && ranges.get(k)[0] == lo && ranges.get(k)[1] == hi
                    && java.util.Arrays.equals(atoms.get(k), w)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The byte set a piece that begins with a byte (as every hex piece does) starts with, which is the program's
     * {@code firstBytes} there; null for any other piece.
     */
    private static long[] leadingSet(ReNode piece) {
        ReNode first = piece;
        while (first.type == ReNode.Type.CONCAT && !first.children.isEmpty()) {
            first = first.children.get(0);
        }
        return first.type == ReNode.Type.BYTES ? first.set.clone() : null;
    }

    private static Result base64(String id, byte[] text, StringModifiers m, List<String> warnings) {
        byte[] alphabet = m.base64Alphabet() != null ? m.base64Alphabet()
                : m.base64WideAlphabet() != null ? m.base64WideAlphabet() : STANDARD_ALPHABET;
        if (alphabet.length != 64) {
            throw new StringCompileException("length of base64 alphabet must be 64");
        }
        List<byte[]> alternatives = new ArrayList<>();
        if (m.wide()) {
            byte[] w = widen(text);
            if (m.base64()) {
                encodings(w, alphabet, false, alternatives);
            }
            if (m.base64Wide()) {
                encodings(w, alphabet, true, alternatives);
            }
        }
        if (m.ascii()) {
            if (m.base64()) {
                encodings(text, alphabet, false, alternatives);
            }
            if (m.base64Wide()) {
                encodings(text, alphabet, true, alternatives);
            }
        }
        if (alternatives.isEmpty()) {
            throw new StringCompileException("invalid base64 string \"" + id + "\"");
        }
        Base64String s = new Base64String(id, alternatives);
        slowWarning(id, s.minQuality(), warnings);
        return new Result(s, warnings);
    }

    /** The three alignments of {@code input} in base64, trimmed to the characters that do not depend on neighbours. */
    private static void encodings(byte[] input, byte[] alphabet, boolean wideOutput, List<byte[]> out) {
        for (int i = 0; i <= 2; i++) {
            if (i == 1 && input.length == 1) {
                continue;
            }
            byte[] src = new byte[input.length + i];
            java.util.Arrays.fill(src, 0, i, (byte) 'A');
            System.arraycopy(input, 0, src, i, input.length);
            int pad = (src.length % 3) != 0 ? 3 - src.length % 3 : 0;
            byte[] enc = encode(src, alphabet);
            int trailing = pad != 0 ? pad + 1 : 0;
            int leading = i != 0 ? i + 1 : 0;
            int len = enc.length - leading - trailing;
            if (len <= 0) {
                continue;
            }
            byte[] core = java.util.Arrays.copyOfRange(enc, leading, leading + len);
            out.add(wideOutput ? widen(core) : core);
        }
    }

    private static byte[] encode(byte[] src, byte[] a) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        for (; src.length - i >= 3; i += 3) {
            int v = (src[i] & 0xFF) << 16 | (src[i + 1] & 0xFF) << 8 | (src[i + 2] & 0xFF);
            out.write(a[v >>> 18 & 63]);
            out.write(a[v >>> 12 & 63]);
            out.write(a[v >>> 6 & 63]);
            out.write(a[v & 63]);
        }
        int rest = src.length - i;
        if (rest == 1) {
            int v = src[i] & 0xFF;
            out.write(a[v >>> 2]);
            out.write(a[(v & 3) << 4]);
            out.write('=');
            out.write('=');
        } else if (rest == 2) {
            int v = (src[i] & 0xFF) << 8 | (src[i + 1] & 0xFF);
            out.write(a[v >>> 10]);
            out.write(a[v >>> 4 & 63]);
            out.write(a[(v & 15) << 2]);
            out.write('=');
        }
        return out.toByteArray();
    }

    private static byte[] widen(byte[] s) {
        byte[] w = new byte[s.length * 2];
        for (int i = 0; i < s.length; i++) {
            w[2 * i] = s[i];
        }
        return w;
    }
}
