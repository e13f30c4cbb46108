package dev.vigil.updates;

import java.util.Base64;
import java.util.HexFormat;

/** Strict text encodings shared by every format here. */
public final class Encoding {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private Encoding() {
    }

    public static String base64(byte[] data) {
        return B64.encodeToString(data);
    }

    /**
     * RFC 4648 section 4 with padding, canonical only: the JDK decoder also takes unpadded input and ignores the
     * unused low bits of the last character, so the decoded bytes are re-encoded and must give the input back.
     */
    public static byte[] decodeBase64(String text, String what) throws FormatException {
        if (text.isEmpty() || text.length() % 4 != 0) {
            throw new FormatException(what + ": not padded base64");
        }
        byte[] out;
        try {
            out = B64D.decode(text);
        } catch (IllegalArgumentException e) {
            throw new FormatException(what + ": invalid base64");
        }
        if (!B64.encodeToString(out).equals(text)) {
            throw new FormatException(what + ": non-canonical base64");
        }
        return out;
    }

    public static String hex(byte[] data) {
        return HexFormat.of().formatHex(data);
    }

    /** Unsigned decimal without sign, leading zeros or overflow (sizes and indices reach 2^64-1). */
    public static long parseUnsignedDecimal(String text, String what) throws FormatException {
        int n = text.length();
        if (n == 0 || n > 20 || (n > 1 && text.charAt(0) == '0')) {
            throw new FormatException(what + ": not a canonical unsigned decimal number");
        }
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                throw new FormatException(what + ": not a canonical unsigned decimal number");
            }
        }
        try {
            return Long.parseUnsignedLong(text);
        } catch (NumberFormatException e) {
            throw new FormatException(what + ": number out of range");
        }
    }
}
