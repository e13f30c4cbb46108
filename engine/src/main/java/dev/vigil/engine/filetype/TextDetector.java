package dev.vigil.engine.filetype;

/**
 * ClamAV's text classification of the typing window (libclamav/textdet.c): ASCII (including ISO-8859 and
 * PC/Mac extended bytes), UTF-8, UTF-16 (a missing byte-order mark means big-endian), else binary.
 */
final class TextDetector {
    private static final byte NEVER = 0;
    private static final byte PLAIN = 1;
    private static final byte[] CLASS = classes();

    private TextDetector() {
    }

    private static byte[] classes() {
        byte[] c = new byte[256];
        for (int b = 0x20; b < 0x7f; b++) {
            c[b] = PLAIN;
        }
        for (int b : new int[] {7, 8, 9, 10, 12, 13, 27}) {
            c[b] = PLAIN;
        }
        // 0x80-0xff are ISO-8859 or extended ASCII: acceptable in text; only NEL (0x85) counts as plain.
        for (int b = 0x80; b < 0x100; b++) {
            c[b] = 2;
        }
        c[0x85] = PLAIN;
        return c;
    }

    static FileType classify(byte[] buf, int len) {
        if (isAscii(buf, len)) {
            return FileType.TEXT_ASCII;
        }
        if (isUtf8(buf, len)) {
            return FileType.TEXT_UTF8;
        }
        int utf16 = utf16(buf, len);
        if (utf16 == 1) {
            return FileType.TEXT_UTF16LE;
        }
        if (utf16 == 2) {
            return FileType.TEXT_UTF16BE;
        }
        return FileType.BINARY_DATA;
    }

    private static boolean isAscii(byte[] buf, int len) {
        for (int i = 0; i < len; i++) {
            if (CLASS[buf[i] & 0xff] == NEVER) {
                return false;
            }
        }
        return true;
    }

    private static boolean isUtf8(byte[] buf, int len) {
        boolean sawSequence = false;
        for (int i = 0; i < len; i++) {
            int b = buf[i] & 0xff;
            if ((b & 0x80) == 0) {
                if (CLASS[b] != PLAIN) {
                    return false;
                }
                continue;
            }
            if ((b & 0x40) == 0) {
                return false;
            }
            int following;
            if ((b & 0x20) == 0) {
                following = 1;
            } else if ((b & 0x10) == 0) {
                following = 2;
            } else if ((b & 0x08) == 0) {
                following = 3;
            } else if ((b & 0x04) == 0) {
                following = 4;
            } else if ((b & 0x02) == 0) {
                following = 5;
            } else {
                return false;
            }
            for (int j = 0; j < following; j++) {
                if (++i >= len) {
                    return sawSequence; // a sequence cut by the window's end does not disqualify
                }
                int cont = buf[i] & 0xff;
                if ((cont & 0x80) == 0 || (cont & 0x40) != 0) {
                    return false;
                }
            }
            sawSequence = true;
        }
        return sawSequence;
    }

    /** 0: not UTF-16; 1: little-endian; 2: big-endian. The first code unit is never examined. */
    private static int utf16(byte[] buf, int len) {
        if (len < 2) {
            return 0;
        }
        boolean bigEndian = true;
        boolean noBom = false;
        int b0 = buf[0] & 0xff;
        int b1 = buf[1] & 0xff;
        if (b0 == 0xff && b1 == 0xfe) {
            bigEndian = false;
        } else if (!(b0 == 0xfe && b1 == 0xff)) {
            noBom = true;
        }
        int bad = 0;
        for (int i = 2; i + 1 < len; i += 2) {
            int hi = bigEndian ? buf[i] & 0xff : buf[i + 1] & 0xff;
            int lo = bigEndian ? buf[i + 1] & 0xff : buf[i] & 0xff;
            int c = hi << 8 | lo;
            if (c == 0xfffe) {
                return 0;
            }
            if (c < 128 && CLASS[c] != PLAIN) {
                if (noBom) {
                    return 0;
                }
                bad++;
            }
        }
        if (!noBom && bad >= len / 2) {
            return 0;
        }
        return bigEndian ? 2 : 1;
    }
}
