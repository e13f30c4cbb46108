package dev.vigil.yara.modules.pe;

/** C-locale character helpers (YARA compares names with strcasecmp and tolower). */
final class Ascii {
    private Ascii() {
    }

    static int lower(byte b) {
        int c = b & 0xff;
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    /** strcasecmp on C strings: stops at the first NUL of either. */
    static boolean equalsIgnoreCase(byte[] a, byte[] b) {
        int la = cLength(a);
        int lb = cLength(b);
        if (la != lb) {
            return false;
        }
        for (int i = 0; i < la; i++) {
            if (lower(a[i]) != lower(b[i])) {
                return false;
            }
        }
        return true;
    }

    /** Length up to the first NUL, as C string functions see the value. */
    static int cLength(byte[] s) {
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return i;
            }
        }
        return s.length;
    }

    static byte[] cString(byte[] s) {
        int n = cLength(s);
        return n == s.length ? s : java.util.Arrays.copyOf(s, n);
    }
}
