package dev.vigil.unpack.pdf;

import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.Inflate;
import dev.vigil.unpack.documents.OutputLimitException;

/** The PDF stream filters Vigil decodes; each writes into a bounded buffer and stops quietly at corrupt data. */
final class PdfFilters {
    private PdfFilters() {
    }

    /** Canonical filter name (abbreviations of inline images included), or null when Vigil cannot decode it. */
    static String canonical(String name) {
        return switch (name) {
            case "FlateDecode", "Fl" -> "FlateDecode";
            case "ASCIIHexDecode", "AHx" -> "ASCIIHexDecode";
            case "ASCII85Decode", "A85" -> "ASCII85Decode";
            case "LZWDecode", "LZW" -> "LZWDecode";
            case "RunLengthDecode", "RL" -> "RunLengthDecode";
            default -> null;
        };
    }

    static void decode(String filter, byte[] src, int from, int to, int earlyChange, BoundedBuffer out)
            throws OutputLimitException {
        switch (filter) {
            case "FlateDecode" -> flate(src, from, to, out);
            case "ASCIIHexDecode" -> asciiHex(src, from, to, out);
            case "ASCII85Decode" -> ascii85(src, from, to, out);
            case "LZWDecode" -> lzw(src, from, to, earlyChange, out);
            case "RunLengthDecode" -> runLength(src, from, to, out);
            default -> throw new IllegalArgumentException(filter);
        }
    }

    static void flate(byte[] src, int from, int to, BoundedBuffer out) throws OutputLimitException {
        Inflate.inflate(src, from, to, true, out);
        if (out.length() == 0) {
            // Some writers omit the zlib header.
            Inflate.inflate(src, from, to, false, out);
        }
    }

    /** The value of a hex digit, or -1. */
    static int hexDigit(int b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        b |= 0x20;
        return b >= 'a' && b <= 'f' ? b - 'a' + 10 : -1;
    }

    static void asciiHex(byte[] src, int from, int to, BoundedBuffer out) throws OutputLimitException {
        int high = -1;
        for (int i = from; i < to; i++) {
            int b = src[i] & 0xff;
            if (b == '>') {
                break;
            }
            int v = hexDigit(b);
            if (v < 0) {
                continue;
            }
            if (high < 0) {
                high = v;
            } else {
                out.put(high << 4 | v);
                high = -1;
            }
        }
        if (high >= 0) {
            out.put(high << 4);
        }
    }

    static void ascii85(byte[] src, int from, int to, BoundedBuffer out) throws OutputLimitException {
        long group = 0;
        int n = 0;
        int i = from;
        if (to - from >= 2 && src[from] == '<' && src[from + 1] == '~') {
            i += 2;
        }
        for (; i < to; i++) {
            int b = src[i] & 0xff;
            if (b == '~') {
                break;
            }
            if (b == 'z' && n == 0) {
                out.fill(0, 4);
                continue;
            }
            if (b < '!' || b > 'u') {
                continue;
            }
            group = group * 85 + (b - '!');
            if (++n == 5) {
                putBigEndian(group, 4, out);
                group = 0;
                n = 0;
            }
        }
        if (n > 1) {
            for (int k = n; k < 5; k++) {
                group = group * 85 + 84;
            }
            putBigEndian(group, n - 1, out);
        }
    }

    private static void putBigEndian(long group, int bytes, BoundedBuffer out) throws OutputLimitException {
        for (int k = 0; k < bytes; k++) {
            out.put((int) (group >>> (24 - 8 * k)) & 0xff);
        }
    }

    static void runLength(byte[] src, int from, int to, BoundedBuffer out) throws OutputLimitException {
        int i = from;
        while (i < to) {
            int len = src[i++] & 0xff;
            if (len == 128) {
                return;
            }
            if (len < 128) {
                int n = Math.min(len + 1, to - i);
                out.put(src, i, n);
                i += n;
            } else if (i < to) {
                out.fill(src[i++] & 0xff, 257 - len);
            }
        }
    }

    /** LZW with 9- to 12-bit codes, 256 = clear, 257 = end; {@code earlyChange} as the DecodeParms say (default 1). */
    static void lzw(byte[] src, int from, int to, int earlyChange, BoundedBuffer out) throws OutputLimitException {
        int[] prefix = new int[4096];
        byte[] suffix = new byte[4096];
        int[] length = new int[4096];
        for (int c = 0; c < 256; c++) {
            suffix[c] = (byte) c;
            length[c] = 1;
            prefix[c] = -1;
        }
        int next = 258;
        int width = 9;
        int previous = -1;
        long acc = 0;
        int bits = 0;
        byte[] scratch = new byte[4096];
        for (int i = from; i < to; i++) {
            acc = (acc << 8) | (src[i] & 0xff);
            bits += 8;
            while (bits >= width) {
                int code = (int) (acc >>> (bits - width)) & ((1 << width) - 1);
                bits -= width;
                if (code == 256) {
                    next = 258;
                    width = 9;
                    previous = -1;
                    continue;
                }
                if (code == 257) {
                    return;
                }
                int first;
                if (code < next && (code < 256 || length[code] > 0)) {
                    first = emit(code, prefix, suffix, length, scratch, out);
                } else if (code == next && previous >= 0) {
                    first = emit(previous, prefix, suffix, length, scratch, out);
                    out.put(first);
                } else {
                    return; // corrupt code
                }
                if (previous >= 0 && next < 4096) {
                    prefix[next] = previous;
                    suffix[next] = (byte) first;
                    length[next] = length[previous] + 1;
                    next++;
                }
                previous = code;
                if (next + earlyChange >= (1 << width) && width < 12) {
                    width++;
                }
            }
        }
    }

    /** Writes the string of {@code code}; returns its first byte. */
    private static int emit(int code, int[] prefix, byte[] suffix, int[] length, byte[] scratch, BoundedBuffer out)
            throws OutputLimitException {
        int n = length[code];
        int c = code;
        for (int k = n - 1; k >= 0; k--) {
            scratch[k] = suffix[c];
            c = prefix[c];
        }
        out.put(scratch, 0, n);
        return scratch[0] & 0xff;
    }
}
