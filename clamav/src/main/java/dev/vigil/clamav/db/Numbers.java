package dev.vigil.clamav.db;

/** C number conversions on byte ranges, with glibc's leniency and overflow behaviour. */
final class Numbers {
    private Numbers() {
    }

    static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    /** {@code atoi}: white space, sign, digits; saturating {@code strtol}, narrowed to int. */
    static int atoi(byte[] b, int from, int to) {
        int i = from;
        while (i < to && isSpace(b[i])) {
            i++;
        }
        boolean neg = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        long v = 0;
        boolean saturated = false;
        for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
            int d = b[i] - '0';
            if (!saturated && v > (Long.MAX_VALUE - d) / 10) {
                saturated = true;
            }
            if (!saturated) {
                v = v * 10 + d;
            }
        }
        if (saturated) {
            return (int) (neg ? Long.MIN_VALUE : Long.MAX_VALUE);
        }
        return (int) (neg ? -v : v);
    }

    static boolean isNumber(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code strtoul(s, &end, 10)} that must consume the whole range: returns the value as unsigned 64 bits, or
     * {@code null}-like {@link #INVALID} when characters are left over.
     */
    static final long INVALID = Long.MIN_VALUE + 12345;

    static long strtoulWhole(byte[] b, int from, int to) {
        int i = from;
        while (i < to && isSpace(b[i])) {
            i++;
        }
        boolean neg = false;
        if (i < to && (b[i] == '+' || b[i] == '-')) {
            neg = b[i] == '-';
            i++;
        }
        int digits = i;
        long v = 0;
        boolean saturated = false;
        for (; i < to && b[i] >= '0' && b[i] <= '9'; i++) {
            int d = b[i] - '0';
            if (!saturated && Long.compareUnsigned(v, Long.divideUnsigned(-1L - d, 10)) > 0) {
                saturated = true;
            }
            if (!saturated) {
                v = v * 10 + d;
            }
        }
        if (i == digits) {
            // no conversion: end pointer stays at the start
            return from == to ? 0 : INVALID;
        }
        if (i != to) {
            return INVALID;
        }
        return saturated ? -1L : (neg ? -v : v);
    }
}
