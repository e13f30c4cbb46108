package dev.vigil.engine.filetype;

/** ClamAV's tar test (libclamav/is_tar.c): a 512-byte header whose octal checksum field adds up. */
final class TarHeader {
    private static final int RECORD = 512;
    private static final int CHECKSUM_OFFSET = 148;
    private static final int CHECKSUM_LENGTH = 8;
    private static final int MAGIC_OFFSET = 257;

    private TarHeader() {
    }

    /** 0: not tar; 1: old-style tar; 2: GNU tar ({@code "ustar  "} magic). */
    static int kind(byte[] buf, int len) {
        if (len < RECORD) {
            return 0;
        }
        int recorded = octal(buf, CHECKSUM_OFFSET, CHECKSUM_LENGTH);
        int sum = 0;
        for (int i = 0; i < RECORD; i++) {
            sum += buf[i] & 0xff;
        }
        for (int i = 0; i < CHECKSUM_LENGTH; i++) {
            sum -= buf[CHECKSUM_OFFSET + i] & 0xff;
        }
        sum += ' ' * CHECKSUM_LENGTH;
        if (sum != recorded) {
            return 0;
        }
        return isGnuMagic(buf) ? 2 : 1;
    }

    /** The magic field read as a C string must equal "ustar  " (two spaces). */
    private static boolean isGnuMagic(byte[] buf) {
        byte[] magic = {'u', 's', 't', 'a', 'r', ' ', ' '};
        for (int i = 0; i < magic.length; i++) {
            if (buf[MAGIC_OFFSET + i] != magic[i]) {
                return false;
            }
        }
        return buf[MAGIC_OFFSET + magic.length] == 0;
    }

    /** Octal digits after optional leading blanks; -1 for an all-blank field or a bad terminator. */
    private static int octal(byte[] buf, int off, int digits) {
        int i = off;
        while (isSpace(buf[i])) {
            i++;
            if (--digits <= 0) {
                return -1;
            }
        }
        int value = 0;
        while (digits > 0 && buf[i] >= '0' && buf[i] <= '7') {
            value = (value << 3) | (buf[i++] - '0');
            --digits;
        }
        if (digits > 0 && buf[i] != 0 && !isSpace(buf[i])) {
            return -1;
        }
        return value;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == 0x0b || b == '\f' || b == '\r';
    }
}
