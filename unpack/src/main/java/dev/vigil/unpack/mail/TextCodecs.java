package dev.vigil.unpack.mail;

import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.OutputLimitException;

/** The transfer encodings of mail bodies, lenient the way mail readers (and ClamAV) are: bad bytes are skipped. */
public final class TextCodecs {
    private static final byte[] BASE64 = new byte[256];

    static {
        java.util.Arrays.fill(BASE64, (byte) -1);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < 64; i++) {
            BASE64[alphabet.charAt(i)] = (byte) i;
        }
    }

    private TextCodecs() {
    }

    /** Whether {@code b} belongs to the base64 alphabet. */
    public static boolean isBase64(int b) {
        return BASE64[b & 0xff] >= 0;
    }

    /**
     * Decodes base64 from {@code src[from, to)}; characters outside the alphabet are skipped, and padding ends the
     * current quantum so that concatenated encodings decode one after the other.
     */
    public static void base64(byte[] src, int from, int to, BoundedBuffer out) throws OutputLimitException {
        int acc = 0;
        int bits = 0;
        for (int i = from; i < to; i++) {
            int b = src[i] & 0xff;
            if (b == '=') {
                acc = 0;
                bits = 0;
                continue;
            }
            int v = BASE64[b];
            if (v < 0) {
                continue;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out.put(acc >>> bits);
                acc &= (1 << bits) - 1;
            }
        }
    }

    private static int hex(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        b |= 0x20;
        return b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
    }

    /**
     * Decodes quoted-printable from {@code src[from, to)} line by line, as ClamAV does: {@code =XX} escapes, soft
     * line breaks joined, and every hard line (the last one too) ending in a single '\n'.
     */
    public static void quotedPrintable(byte[] src, int from, int to, BoundedBuffer out)
            throws OutputLimitException {
        int pos = from;
        while (pos < to) {
            int end = lineEnd(src, pos, to);
            int stop = trimCr(src, pos, end);
            boolean soft = false;
            int i = pos;
            while (i < stop) {
                int b = src[i] & 0xff;
                if (b != '=') {
                    out.put(b);
                    i++;
                    continue;
                }
                int j = i + 1;
                while (j < stop && (src[j] == ' ' || src[j] == '\t')) {
                    j++;
                }
                if (j == stop) {
                    soft = true;
                    break;
                }
                int hi = i + 2 < stop ? hex(src[i + 1]) : -1;
                int lo = i + 2 < stop ? hex(src[i + 2]) : -1;
                if (hi >= 0 && lo >= 0) {
                    out.put(hi << 4 | lo);
                    i += 3;
                } else {
                    out.put('=');
                    i++;
                }
            }
            if (!soft) {
                out.put('\n');
            }
            pos = end + 1;
        }
    }

    /** Copies text lines from {@code src[from, to)}, each ending in a single '\n' (ClamAV's un-encoded parts). */
    public static void lines(byte[] src, int from, int to, BoundedBuffer out) throws OutputLimitException {
        int pos = from;
        while (pos < to) {
            int end = lineEnd(src, pos, to);
            int stop = trimCr(src, pos, end);
            out.put(src, pos, stop - pos);
            out.put('\n');
            pos = end + 1;
        }
    }

    /** Whether the line {@code src[from, to)} opens a uuencoded block: {@code begin <octal mode> <name>}. */
    public static boolean isUuBegin(byte[] src, int from, int to) {
        if (to - from < 10 || !startsWith(src, from, to, "begin ")) {
            return false;
        }
        int i = from + 6;
        int digits = 0;
        while (i < to && src[i] >= '0' && src[i] <= '7') {
            i++;
            digits++;
        }
        return digits >= 3 && digits <= 4 && i < to && src[i] == ' ';
    }

    /**
     * Decodes the uuencoded lines that start at {@code from} (the line after {@code begin}) until {@code end}, a
     * line that is not uuencoded, or {@code to}. Returns the position after the last line consumed.
     */
    public static int uudecode(byte[] src, int from, int to, BoundedBuffer out) throws OutputLimitException {
        int pos = from;
        while (pos < to) {
            int end = lineEnd(src, pos, to);
            int stop = trimCr(src, pos, end);
            int next = end < to ? end + 1 : to;
            if (stop - pos >= 3 && startsWith(src, pos, stop, "end")) {
                return next;
            }
            if (stop == pos) {
                pos = next;
                continue;
            }
            int first = src[pos] & 0xff;
            if (first < 32 || first > 96) {
                return pos;
            }
            int n = (first - 32) & 63;
            int i = pos + 1;
            while (n > 0) {
                int c0 = uu(src, i, stop);
                int c1 = uu(src, i + 1, stop);
                int c2 = uu(src, i + 2, stop);
                int c3 = uu(src, i + 3, stop);
                out.put(c0 << 2 | c1 >> 4);
                if (n > 1) {
                    out.put((c1 << 4 | c2 >> 2) & 0xff);
                }
                if (n > 2) {
                    out.put((c2 << 6 | c3) & 0xff);
                }
                n -= 3;
                i += 4;
            }
            pos = next;
        }
        return pos;
    }

    private static int uu(byte[] src, int i, int stop) {
        return i < stop ? ((src[i] & 0xff) - 32) & 63 : 0;
    }

    static boolean startsWith(byte[] src, int from, int to, String prefix) {
        if (to - from < prefix.length()) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (src[from + k] != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** Index of the next '\n' at or after {@code pos}, or {@code to}. */
    static int lineEnd(byte[] src, int pos, int to) {
        for (int i = pos; i < to; i++) {
            if (src[i] == '\n') {
                return i;
            }
        }
        return to;
    }

    /** {@code end} moved back over a trailing '\r'. */
    static int trimCr(byte[] src, int start, int end) {
        return end > start && src[end - 1] == '\r' ? end - 1 : end;
    }
}
