package dev.vigil.clamav.hex;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.PatternNode;

import java.util.List;

/**
 * Decoding of hex text two characters at a time into per-position codes, as ClamAV does it after its
 * rewriting steps: {@code ??}, {@code x?}, {@code ?x}, a literal byte, or {@code ()} standing for a special.
 * Pairs are taken at even positions of the rewritten text, so {@code a{5}b} is legal (it becomes {@code a?...?b}).
 */
final class HexCodes {
    static final int CHAR = 0;
    static final int IGNORE = 1;
    static final int SPECIAL = 2;
    static final int NIBBLE_HIGH = 3;
    static final int NIBBLE_LOW = 4;

    private HexCodes() {
    }

    static int kind(int code) {
        return code >>> 8;
    }

    static int value(int code) {
        return code & 0xff;
    }

    /** Decodes one pair at {@code i}; returns -1 for characters that are not hex. */
    static int decodePair(CharSequence s, int i) {
        char a = s.charAt(i);
        char b = s.charAt(i + 1);
        if (a == '?' && b == '?') {
            return IGNORE << 8;
        }
        if (b == '?') {
            int h = CText.hexDigit(a);
            return h < 0 ? -1 : (NIBBLE_HIGH << 8) | (h << 4);
        }
        if (a == '?') {
            int l = CText.hexDigit(b);
            return l < 0 ? -1 : (NIBBLE_LOW << 8) | l;
        }
        if (a == '(') {
            // the second character is not looked at, as in ClamAV
            return SPECIAL << 8;
        }
        int h = CText.hexDigit(a);
        int l = CText.hexDigit(b);
        if (h < 0 || l < 0) {
            return -1;
        }
        return (h << 4) | l;
    }

    static int[] decode(CharSequence s) throws SignatureSyntaxException {
        if ((s.length() & 1) != 0) {
            throw new SignatureSyntaxException("odd number of hex characters in '" + abbreviate(s) + "'");
        }
        int[] codes = new int[s.length() / 2];
        for (int i = 0; i < codes.length; i++) {
            int c = decodePair(s, 2 * i);
            if (c < 0) {
                throw new SignatureSyntaxException("malformed hex string '" + abbreviate(s) + "'");
            }
            codes[i] = c;
        }
        return codes;
    }

    /** Plain hex to bytes (ClamAV's hex2str: no wildcards). */
    static byte[] decodeStatic(CharSequence s) throws SignatureSyntaxException {
        if ((s.length() & 1) != 0) {
            throw new SignatureSyntaxException("odd number of hex characters in '" + abbreviate(s) + "'");
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int h = CText.hexDigit(s.charAt(2 * i));
            int l = CText.hexDigit(s.charAt(2 * i + 1));
            if (h < 0 || l < 0) {
                throw new SignatureSyntaxException("malformed hex string '" + abbreviate(s) + "'");
            }
            out[i] = (byte) ((h << 4) | l);
        }
        return out;
    }

    /** The byte set of a non-special code. */
    static ByteSet toByteSet(int code) {
        return switch (kind(code)) {
            case CHAR -> ByteSet.of(value(code));
            case IGNORE -> ByteSet.ANY;
            case NIBBLE_HIGH -> ByteSet.highNibble(value(code) >>> 4);
            case NIBBLE_LOW -> ByteSet.lowNibble(value(code) & 0x0f);
            default -> throw new IllegalArgumentException("special code has no byte set");
        };
    }

    static void addAll(List<PatternNode> into, int[] codes) {
        for (int c : codes) {
            into.add(toByteSet(c));
        }
    }

    static String abbreviate(CharSequence s) {
        return s.length() <= 80 ? s.toString() : s.subSequence(0, 77) + "...";
    }
}
