package dev.vigil.engine.normalize;

import java.util.HexFormat;

/**
 * Decoder for Microsoft Script Encoder blocks ({@code #@~^LLLLLL==...==^#~@}), as ClamAV's HTML normaliser applies
 * it in place to the current chunk so that the decoded script is normalised like plain text.
 */
final class Screnc {
    /** Which of the three substitution tables each position (mod 64) uses. */
    private static final byte[] TABLE_ORDER = digits("0210212112120121012100211201211200121210100210120121002110021012");
    /** The encoder's three 128-entry substitution tables (0xff marks an escape). */
    private static final byte[][] TABLES = {
        HexFormat.of().parseHex("000102030405060708570a0b0c0d0e0f101112131415161718191a1b1c1d1e1f2e477a56426a2f2649"
                + "4134325b7672433839704568714f09624423753c7e3e5eff774a615d224b6f4e3b4c50672a7d74542b2d2c306e6b66"
                + "352521644d52633f7b7829287359337f6d55537c3a5f65465831696c5a48275c3d24793760512036"),
        HexFormat.of().parseHex("0001020304050607087b0a0b0c0d0e0f101112131415161718191a1b1c1d1e1f323021295b38333d58"
                + "3a3565395c5673664e456b6259785e7d4a6d713c603e53ff422748727531374d5222546a47642d207f2e4c5d7e6c6f"
                + "797443267625242b28234134092a443f773b55696163506751494f46687c36706e7a2f5f4b5a2c57"),
        HexFormat.of().parseHex("0001020304050607086e0a0b0c060e0f101112131415161718191a1b1c1d1e1f2d755260715e495c62"
                + "7d2936207c7a7f6b63332b68516676316454433c3a3e7eff452c2a7427374479592f6f26726a397b3f387767534734"
                + "785d30235a5b6c485570692e4c21244e5009567335614b583b57226d4d2528464a32413d5f4f4265"),
    };
    private static final long MASK32 = 0xffffffffL;

    /** Encoded characters still to decode (ClamAV keeps this as a wrapping 32-bit counter). */
    long length;
    private int tablePos;

    private static byte[] digits(String s) {
        byte[] b = new byte[s.length()];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (s.charAt(i) - '0');
        }
        return b;
    }

    private static long b64(int c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '+' ? 62 : c == '/' ? 63 : -1;
    }

    /** Reads the length field (6 base64 characters in the encoder's byte order) at {@code line[p]}. */
    void start(byte[] line, int p) {
        long b0 = b64(line[p] & 0xff);
        long b1 = b64(line[p + 1] & 0xff);
        long b2 = b64(line[p + 2] & 0xff);
        long b3 = b64(line[p + 3] & 0xff);
        long b4 = b64(line[p + 4] & 0xff);
        long b5 = b64(line[p + 5] & 0xff);
        long l = b0 < 0 ? 0 : b0 << 2;
        l += b1 >> 4;
        l += (b1 & 0x0f) << 12;
        l += ((b2 >> 2) < 0 ? 0 : (b2 >> 2)) << 8;
        l += (b2 & 0x03) << 22;
        l += b3 < 0 ? 0 : b3 << 16;
        l += (b4 < 0 ? 0 : b4 << 2) << 24;
        l += ((b5 >> 4) < 0 ? 0 : (b5 >> 4)) << 24;
        length = l & MASK32;
        tablePos = 0;
    }

    /** Decodes in place from {@code line[p]} (NUL-terminated) until the block or the chunk ends. */
    void decode(byte[] line, int p) {
        int src = p;
        int dst = p;
        while (length > 0 && line[src] != 0) {
            int c = line[src] & 0xff;
            if (c == '\n' || c == '\r') {
                src++;
                continue;
            }
            if (c < 0x80) {
                int v = TABLES[TABLE_ORDER[tablePos]][c] & 0xff;
                if (v == 0xff) {
                    src++;
                    length = (length - 1) & MASK32;
                    switch (line[src]) {
                        case 0 -> src--;
                        case 0x21 -> v = 0x3c;
                        case 0x23 -> v = 0x0d;
                        case 0x24 -> v = 0x40;
                        case 0x26 -> v = 0x0a;
                        case 0x2a -> v = 0x3e;
                        default -> {
                        }
                    }
                }
                line[dst++] = (byte) v;
                tablePos = (tablePos + 1) % 64;
            } else {
                line[dst++] = line[src++];
                line[dst++] = line[src];
                if (line[src] == 0) {
                    dst--;
                    break;
                }
            }
            src++;
            length = (length - 1) & MASK32;
        }
        if (length == 0) {
            // the 8-character checksum and the "^#~@" terminator are dropped unchecked
            if (HtmlNormalizer.strlen(line, src) >= 12) {
                src += 12;
            }
            int rest = HtmlNormalizer.strlen(line, src) + 1;
            System.arraycopy(line, src, line, dst, rest);
        } else {
            line[dst] = 0;
        }
    }
}
