package dev.vigil.unpack.mail;

import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.OutputLimitException;

/**
 * BinHex 4.0: 6-bit text between colons, then run-length expansion (0x90 marks a repeat), then a header (name,
 * type, creator, fork lengths) followed by the data fork and the resource fork.
 */
public final class BinHex {
    static final String MARKER = "(This file must be converted with BinHex";
    private static final byte[] SIXBIT = new byte[256];

    static {
        java.util.Arrays.fill(SIXBIT, (byte) -1);
        String alphabet = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
        for (int i = 0; i < 64; i++) {
            SIXBIT[alphabet.charAt(i)] = (byte) i;
        }
    }

    /** The decoded forks; either may be empty. */
    public record Forks(String name, byte[] data, byte[] resource) {
    }

    private BinHex() {
    }

    /** Offset of the BinHex marker line in {@code src[from, to)}, or -1. */
    public static int find(byte[] src, int from, int to) {
        byte first = (byte) MARKER.charAt(0);
        for (int i = from; i + MARKER.length() <= to; i++) {
            if (src[i] == first && TextCodecs.startsWith(src, i, to, MARKER)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Decodes the BinHex data that follows {@code from} (the first ':' after it opens the encoded text).
     * Output is bounded by {@code cap}; a truncated encoding yields what could be decoded.
     */
    public static Forks decode(byte[] src, int from, int to, long cap) throws OutputLimitException {
        int i = from;
        while (i < to && src[i] != ':') {
            i++;
        }
        i++;
        // Stage 1: 6-bit text to bytes, with run-length expansion on the fly.
        BoundedBuffer raw = new BoundedBuffer(cap);
        int acc = 0;
        int bits = 0;
        boolean repeatPending = false;
        int last = -1;
        for (; i < to; i++) {
            int c = src[i] & 0xff;
            if (c == ':') {
                break;
            }
            int v = SIXBIT[c];
            if (v < 0) {
                continue;
            }
            acc = (acc << 6) | v;
            bits += 6;
            if (bits < 8) {
                continue;
            }
            bits -= 8;
            int b = (acc >>> bits) & 0xff;
            acc &= (1 << bits) - 1;
            if (repeatPending) {
                repeatPending = false;
                if (b == 0) {
                    raw.put(0x90);
                    last = 0x90;
                } else if (last >= 0) {
                    raw.fill(last, b - 1);
                }
            } else if (b == 0x90) {
                repeatPending = true;
            } else {
                raw.put(b);
                last = b;
            }
        }
        byte[] d = raw.array();
        int n = raw.length();
        if (n < 1) {
            return new Forks("", new byte[0], new byte[0]);
        }
        int nameLen = d[0] & 0xff;
        int p = 1 + nameLen + 1 + 4 + 4 + 2;
        String name = new String(d, 1, Math.min(nameLen, n - 1), java.nio.charset.StandardCharsets.ISO_8859_1);
        if (p + 8 > n) {
            return new Forks(name, new byte[0], new byte[0]);
        }
        long dataLen = be32(d, p);
        long rsrcLen = be32(d, p + 4);
        p += 8 + 2;
        int dataStart = Math.min(p, n);
        int dataEnd = (int) Math.min(n, dataStart + dataLen);
        int rsrcStart = Math.min(n, dataEnd + 2);
        int rsrcEnd = (int) Math.min(n, rsrcStart + rsrcLen);
        return new Forks(name, java.util.Arrays.copyOfRange(d, dataStart, dataEnd),
                java.util.Arrays.copyOfRange(d, rsrcStart, rsrcEnd));
    }

    private static long be32(byte[] d, int p) {
        return ((d[p] & 0xffL) << 24) | ((d[p + 1] & 0xff) << 16) | ((d[p + 2] & 0xff) << 8) | (d[p + 3] & 0xff);
    }
}
