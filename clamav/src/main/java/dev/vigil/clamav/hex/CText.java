package dev.vigil.clamav.hex;

/**
 * Small emulations of the C library routines whose leniency decides whether ClamAV accepts a signature
 * ({@code sscanf("%u")}, {@code atoi}, ClamAV's own field splitter and number check). Matching their quirks
 * exactly is what lets Vigil accept and refuse the same databases as clamscan.
 */
public final class CText {
    private CText() {
    }

    /** Value of a hex digit, or -1. */
    public static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    static boolean isCSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\u000b' || c == '\f' || c == '\r';
    }

    /** ClamAV's number check: only decimal digits, and (like ClamAV) true for the empty string. */
    public static boolean isNumber(CharSequence s, int from, int to) {
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    public static boolean isNumber(CharSequence s) {
        return isNumber(s, 0, s.length());
    }

    /**
     * {@code atoi} on glibc: a {@code strtol} that saturates at the 64-bit range, then narrowed to {@code int}.
     * Only used on strings already checked to be all digits (or empty).
     */
    public static int atoi(CharSequence s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            int d = s.charAt(i) - '0';
            if (d < 0 || d > 9) {
                break;
            }
            if (v > (Long.MAX_VALUE - d) / 10) {
                v = Long.MAX_VALUE;
                for (; i < to && s.charAt(i) >= '0' && s.charAt(i) <= '9'; i++) {
                    // saturated: skip the remaining digits
                }
                break;
            }
            v = v * 10 + d;
        }
        return (int) v;
    }

    public static int atoi(CharSequence s) {
        return atoi(s, 0, s.length());
    }

    /**
     * One {@code %u}/{@code %zu} conversion of {@code sscanf} starting at {@code pos}: optional white space, an
     * optional sign, at least one digit. Returns {@code -1} when nothing converts, else the end position; the value
     * (as {@code strtoul} computes it, saturated and negated modulo 2^64) goes to {@code out[0]}.
     */
    static int scanUnsigned(CharSequence s, int pos, long[] out) {
        int i = pos;
        int n = s.length();
        while (i < n && isCSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int digitsFrom = i;
        long v = 0;
        boolean saturated = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            if (!saturated) {
                // unsigned 64-bit overflow check
                if (Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                    saturated = true;
                    v = -1L;
                } else {
                    v = v * 10 + d;
                }
            }
            i++;
        }
        if (i == digitsFrom) {
            return -1;
        }
        out[0] = saturated ? -1L : (negative ? -v : v);
        return i;
    }

    /**
     * ClamAV's field splitter ({@code cli_strtok}): field {@code index} of {@code line} split at {@code delim};
     * runs of delimiters count as one, and a field that would be empty (leading delimiter, past the end) is null.
     */
    public static String strtok(String line, int index, char delim) {
        int n = line.length();
        int counter = 0;
        int i = 0;
        for (; i < n && counter != index; i++) {
            if (line.charAt(i) == delim) {
                counter++;
                while (i + 1 < n && line.charAt(i + 1) == delim) {
                    i++;
                }
            }
        }
        if (i >= n) {
            return null;
        }
        int j = i;
        while (j < n && line.charAt(j) != delim) {
            j++;
        }
        return i == j ? null : line.substring(i, j);
    }
}
