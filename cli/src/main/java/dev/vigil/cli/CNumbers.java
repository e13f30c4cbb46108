package dev.vigil.cli;

/** C library number parsing as yara's command line uses it, so that odd inputs give yara's values. */
final class CNumbers {
    private CNumbers() {
    }

    /**
     * {@code strtol(s, &end, 0)} on LP64 that must consume the whole string: leading blanks, a sign, 0x for hex,
     * a leading 0 for octal; saturates on overflow. Returns null where {@code *end != '\0'}. As in C, the empty
     * string parses (as 0) because nothing is left over.
     */
    static Long strtol(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        int radix = 10;
        if (i < n && s.charAt(i) == '0') {
            if (i + 2 < n && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X')
                    && Character.digit(s.charAt(i + 2), 16) >= 0 && s.charAt(i + 2) < 128) {
                radix = 16;
                i += 2;
            } else {
                radix = 8;
            }
        }
        int digitsStart = i;
        boolean overflow = false;
        long value = 0; // accumulated as a negative number so that Long.MIN_VALUE fits
        while (i < n) {
            char c = s.charAt(i);
            int d = c < 128 ? Character.digit(c, radix) : -1;
            if (d < 0) {
                break;
            }
            if (!overflow) {
                if (value < (Long.MIN_VALUE + d) / radix) {
                    overflow = true;
                } else {
                    value = value * radix - d;
                }
            }
            i++;
        }
        if (i == digitsStart) {
            // no digits at all: strtol leaves the end pointer at the very start
            return s.isEmpty() ? 0L : null;
        }
        if (i != n) {
            return null;
        }
        if (overflow) {
            return negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        if (!negative) {
            return value == Long.MIN_VALUE ? Long.MAX_VALUE : -value;
        }
        return value;
    }

    /** {@code atoi}: the leading decimal number, as glibc computes it ({@code (int) strtol(s, NULL, 10)}). */
    static int atoi(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        long value = 0;
        boolean overflow = false;
        while (i < n && s.charAt(i) >= '0' && s.charAt(i) <= '9') {
            int d = s.charAt(i) - '0';
            if (!overflow) {
                if (value < (Long.MIN_VALUE + d) / 10) {
                    overflow = true;
                } else {
                    value = value * 10 - d;
                }
            }
            i++;
        }
        long l;
        if (overflow) {
            l = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        } else if (negative) {
            l = value;
        } else {
            l = value == Long.MIN_VALUE ? Long.MAX_VALUE : -value;
        }
        return (int) l;
    }

    private static boolean isSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }
}
