package dev.vigil.clamav.ldb;

import dev.vigil.engine.image.ImageEncodable;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.ir.SubSignature;

import java.io.IOException;

/**
 * A byte-compare subsignature {@code N(<<|>>offset#options length#op value[,op value])}, evaluated as libclamav's
 * {@code cli_bcomp_scanbuf}/{@code cli_bcomp_compare_check} do: when subsignature N has matched, read
 * {@code length} bytes at (start of N's last counted match + offset) and compare the number they spell.
 *
 * <p>Options: {@code h} hex text, {@code d} decimal text (big endian only), {@code a} hex or decimal told apart by a
 * {@code 0x} prefix (at least 3 bytes), {@code i} raw binary integer of 1, 2, 4 or 8 bytes; {@code l}/{@code b}
 * byte order (hex and binary need one); {@code e} the whole field must be the number. Leading white space of text
 * fields is skipped. The position must be strictly after the start of the data and the field inside it.
 *
 * <p>ClamAV evaluates all byte-compares before any PCRE subsignature, so a reference to a PCRE subsignature (or to a
 * later byte-compare) never holds; a reference to a byte-compare reads at offset 0 (no recorded position).
 */
public final class ByteCompareSubSignature implements SubSignature.Post, ImageEncodable {
    private static final int HEX = 0x1;
    private static final int DEC = 0x2;
    private static final int BIN = 0x4;
    private static final int AUTO = 0x8;
    private static final int LE = 0x10;
    private static final int BE = 0x20;
    private static final int EXACT = 0x100;
    private static final int MAX_BIN_LENGTH = 8;
    private static final int MAX_HEX_LENGTH = 18;

    private final int reference;
    private final boolean referenceUsable;
    private final boolean referenceHasOffset;
    private final long shift;
    private final int options;
    private final long length;
    private final char[] operators;
    private final long[] values;
    private final String source;

    private ByteCompareSubSignature(int reference, boolean referenceUsable, boolean referenceHasOffset, long shift,
                                    int options, long length, char[] operators, long[] values, String source) {
        this.reference = reference;
        this.referenceUsable = referenceUsable;
        this.referenceHasOffset = referenceHasOffset;
        this.shift = shift;
        this.options = options;
        this.length = length;
        this.operators = operators;
        this.values = values;
        this.source = source;
    }

    static ByteCompareSubSignature parse(String text, int index, LdbParser.Kind[] kinds)
            throws SignatureSyntaxException {
        CNumbers.Scan ref = CNumbers.strtol(text, 0, text.length(), 10);
        int p = ref.end();
        if (p >= text.length() || text.charAt(p) != '(') {
            throw new SignatureSyntaxException("byte-compare: invalid subsignature reference");
        }
        long refValue = (short) ref.value();
        if (refValue > LdbParser.MAX_SUBSIGNATURES) {
            throw new SignatureSyntaxException("byte-compare: reference beyond 64 subsignatures");
        }
        int close = text.indexOf(')', p);
        if (close < 0) {
            throw new SignatureSyntaxException("byte-compare: missing ')'");
        }
        String params = text.substring(p + 1, close);
        var fields = TargetDescriptionParser.split(params, '#', 4);
        if (fields.size() != 3) {
            throw new SignatureSyntaxException("byte-compare: expected 3 '#'-separated parameters");
        }
        long shift = shift(fields.get(0));
        String spec = fields.get(1);
        int options = 0;
        int i = 0;
        while (i >= spec.length() || !CNumbers.isDigit(spec.charAt(i))) {
            char o = i < spec.length() ? spec.charAt(i) : '\0';
            boolean bad = switch (o) {
                case 'h' -> (options & (DEC | BIN | AUTO)) != 0;
                case 'd' -> (options & (HEX | BIN | AUTO | LE)) != 0;
                case 'i' -> (options & (HEX | DEC | AUTO)) != 0;
                case 'a' -> (options & (HEX | DEC | BIN)) != 0;
                case 'l' -> (options & (BE | DEC)) != 0;
                case 'b' -> (options & LE) != 0;
                case 'e' -> false;
                default -> true;
            };
            if (bad) {
                throw new SignatureSyntaxException("byte-compare: invalid option in '" + spec + "'");
            }
            options |= switch (o) {
                case 'h' -> HEX;
                case 'd' -> DEC | BE;
                case 'i' -> BIN;
                case 'a' -> AUTO;
                case 'l' -> LE;
                case 'b' -> BE;
                default -> EXACT;
            };
            i++;
        }
        CNumbers.Scan len = CNumbers.strtol(spec, i, spec.length(), 0);
        if (len.end() != spec.length() || len.value() == 0) {
            throw new SignatureSyntaxException("byte-compare: invalid length in '" + spec + "'");
        }
        long length = len.value();
        if ((options & BIN) != 0 && (length < 0 || length > MAX_BIN_LENGTH || MAX_BIN_LENGTH % length != 0)) {
            throw new SignatureSyntaxException("byte-compare: binary length must be 1, 2, 4 or 8");
        }
        if ((options & HEX) != 0 && (length < 0 || length > MAX_HEX_LENGTH)) {
            throw new SignatureSyntaxException("byte-compare: hex length above 18");
        }
        String comparisons = fields.get(2);
        int comma = comparisons.indexOf(',');
        if (comma >= 0 && comma != comparisons.lastIndexOf(',')) {
            throw new SignatureSyntaxException("byte-compare: too many comparisons");
        }
        String[] parts = comma < 0 ? new String[] {comparisons}
                : new String[] {comparisons.substring(0, comma), comparisons.substring(comma + 1)};
        char[] ops = new char[parts.length];
        long[] values = new long[parts.length];
        for (int k = 0; k < parts.length; k++) {
            String part = parts[k];
            char op = part.isEmpty() ? '\0' : part.charAt(0);
            if (op != '<' && op != '>' && op != '=') {
                throw new SignatureSyntaxException("byte-compare: comparison must start with <, > or =");
            }
            CNumbers.Scan v = CNumbers.strtol(part, 1, part.length(), 0);
            if (v.end() != part.length() && !(v.end() == 1 && part.length() == 1)) {
                throw new SignatureSyntaxException("byte-compare: invalid comparison value '" + part + "'");
            }
            ops[k] = op;
            values[k] = v.value();
        }
        int r = (int) (refValue & 0xffff);
        boolean usable = r < kinds.length && r != index
                && (kinds[r] == LdbParser.Kind.CONTENT || kinds[r] == LdbParser.Kind.BYTE_COMPARE && r < index);
        boolean hasOffset = usable && kinds[r] == LdbParser.Kind.CONTENT;
        return new ByteCompareSubSignature(r, usable, hasOffset, shift, options, length, ops, values, text);
    }

    private static long shift(String s) throws SignatureSyntaxException {
        if (s.isEmpty() || s.charAt(0) == '0') {
            return 0;
        }
        boolean left = s.startsWith("<<");
        if (!left && !s.startsWith(">>")) {
            throw new SignatureSyntaxException("byte-compare: offset must start with << or >>");
        }
        CNumbers.Scan v = CNumbers.strtol(s, 2, s.length(), 0);
        int end = v.end() == 2 && s.length() > 2 ? 2 : v.end();
        if (end != s.length()) {
            throw new SignatureSyntaxException("byte-compare: invalid offset '" + s + "'");
        }
        return left ? -v.value() : v.value();
    }

    @Override
    public int evaluate(EvaluationContext context, int[] counts) {
        if (!referenceUsable || reference >= counts.length || counts[reference] == 0) {
            return 0;
        }
        long base = 0;
        if (referenceHasOffset) {
            long[] offsets = context.matchOffsets(reference);
            if (offsets != null && offsets.length > 0) {
                base = offsets[offsets.length - 1];
            }
        }
        // ClamAV hands the offset over as a C int
        base = (int) base;
        long size = context.size();
        if (!(base + shift + length <= size) || !(base + shift > 0)) {
            return 0;
        }
        byte[] field;
        try {
            field = context.input().readFully(base + shift, (int) length);
        } catch (IOException e) {
            return 0;
        }
        if (field.length != length) {
            return 0;
        }
        Long value = extract(field);
        if (value == null) {
            return 0;
        }
        for (int k = 0; k < operators.length; k++) {
            boolean ok = switch (operators[k]) {
                case '<' -> value < values[k];
                case '>' -> value > values[k];
                default -> value == values[k];
            };
            if (!ok) {
                return 0;
            }
        }
        return 1;
    }

    /** The number the field spells, or null when ClamAV would not compare. */
    private Long extract(byte[] raw) {
        int opt = options;
        if ((opt & BIN) != 0) {
            if ((opt & (LE | BE)) == 0) {
                return null;
            }
            boolean little = (opt & LE) != 0;
            long v = 0;
            for (int k = 0; k < raw.length; k++) {
                int b = raw[little ? raw.length - 1 - k : k] & 0xff;
                v = (v << 8) | b;
            }
            return v;
        }
        int pad = 0;
        while (pad < raw.length && CNumbers.isSpace((char) (raw[pad] & 0xff))) {
            pad++;
        }
        int n = raw.length - pad;
        char[] text = new char[n];
        for (int k = 0; k < n; k++) {
            text[k] = (char) (raw[pad + k] & 0xff);
        }
        String buffer = new String(text);
        char[] little = null;
        if ((opt & 0xf0) == LE) {
            little = littleEndianDigits(text, opt);
        }
        if ((opt & AUTO) != 0) {
            if (n < 3) {
                return null;
            }
            opt = (opt & ~AUTO) | (buffer.startsWith("0x") || buffer.startsWith("0X") ? HEX : DEC);
        }
        boolean exact = (opt & EXACT) != 0;
        switch (opt & 0xff) {
            case HEX | LE -> {
                int normLength = n != 1 ? (n % 2 == 0 ? n : n + 1) : 1;
                String s = new String(little, 0, Math.min(normLength, little.length));
                CNumbers.Scan v = strntol(s, 16);
                if (v == null || exact && (v.end() != n || pad != 0)) {
                    return null;
                }
                return v.value();
            }
            case HEX | BE, DEC | BE -> {
                CNumbers.Scan v = strntol(buffer, (opt & HEX) != 0 ? 16 : 10);
                if (v == null || exact && (v.end() != n || pad != 0)) {
                    return null;
                }
                return v.value();
            }
            default -> {
                return null;
            }
        }
    }

    /** cli_strntol over the whole string: null on overflow (ERANGE). */
    private static CNumbers.Scan strntol(String s, int base) {
        CNumbers.Scan v = CNumbers.strtol(s, 0, s.length(), base);
        if (v.end() > 0 && (v.value() == Long.MAX_VALUE || v.value() == Long.MIN_VALUE) && overflows(s, base)) {
            return null;
        }
        return v;
    }

    private static boolean overflows(String s, int base) {
        String digits = s.strip().replaceFirst("^[+-]", "").replaceFirst("^0[xX]", "");
        StringBuilder sb = new StringBuilder();
        for (char c : digits.toCharArray()) {
            if (CNumbers.digit(c) >= base) {
                break;
            }
            sb.append(c);
        }
        if (sb.isEmpty()) {
            return false;
        }
        return new java.math.BigInteger(sb.toString(), base).bitLength() > 63;
    }

    /**
     * ClamAV's little-endian rewrite of a hex text: pad to an even length (after a {@code 0x} prefix, if any), then
     * reverse the order of the two-digit pairs; a non-hex character blanks what was written so far to '0's.
     */
    private static char[] littleEndianDigits(char[] buffer, int opt) {
        int n = buffer.length;
        if ((opt & 0xf & (HEX | AUTO)) == 0) {
            return null;
        }
        int norm = n % 2 == 0 ? n : n + 1;
        char[] out = new char[norm + 1];
        char[] hex = new char[norm + 1];
        java.util.Arrays.fill(out, '0');
        java.util.Arrays.fill(hex, '0');
        if (n == 1) {
            out[0] = buffer[0];
        } else if (n > 1) {
            boolean prefixed = n >= 3 && buffer[0] == '0' && (buffer[1] == 'x' || buffer[1] == 'X');
            if (norm == n + 1) {
                if (prefixed) {
                    System.arraycopy(buffer, 2, hex, 3, n - 2);
                    hex[0] = 'x';
                } else {
                    System.arraycopy(buffer, 0, hex, 1, n);
                }
            } else {
                System.arraycopy(buffer, 0, hex, 0, n);
                if (prefixed) {
                    hex[0] = 'x';
                }
            }
            for (int i = 0; i < norm; i += 2) {
                if (norm - i - 2 >= 0) {
                    char a = hex[norm - i - 2];
                    if (isHexOrX(a)) {
                        out[i] = a;
                    } else {
                        java.util.Arrays.fill(out, '0');
                        continue;
                    }
                }
                char b = hex[norm - i - 1];
                if (isHexOrX(b)) {
                    out[i + 1] = b;
                } else {
                    java.util.Arrays.fill(out, '0');
                }
            }
        }
        out[norm] = '0';
        return java.util.Arrays.copyOf(out, norm);
    }

    private static boolean isHexOrX(char c) {
        return Character.digit(c, 16) >= 0 && c < 0x80 || c == 'x' || c == 'X';
    }

    @Override
    public String imageCodec() {
        return "clamav.bytecompare";
    }

    /**
     * The source text, prefixed by what it referred to (C: a content subsignature, B: an earlier byte-compare, N:
     * nothing usable), which the parse decided from the other subsignatures of the line.
     */
    @Override
    public String imageText() {
        return (referenceHasOffset ? "C" : referenceUsable ? "B" : "N") + source;
    }

    /** Parses {@link #imageText()} back. */
    static ByteCompareSubSignature fromImage(String text, int index) throws SignatureSyntaxException {
        if (text.isEmpty()) {
            throw new SignatureSyntaxException("byte-compare: empty image text");
        }
        LdbParser.Kind kind = switch (text.charAt(0)) {
            case 'C' -> LdbParser.Kind.CONTENT;
            case 'B' -> LdbParser.Kind.BYTE_COMPARE;
            case 'N' -> null;
            default -> throw new SignatureSyntaxException("byte-compare: bad image text");
        };
        LdbParser.Kind[] kinds = new LdbParser.Kind[kind == null ? 0 : LdbParser.MAX_SUBSIGNATURES + 1];
        java.util.Arrays.fill(kinds, kind);
        return parse(text.substring(1), index, kinds);
    }

    @Override
    public String toString() {
        return "bytecompare " + source;
    }
}
