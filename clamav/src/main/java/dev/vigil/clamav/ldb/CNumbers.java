package dev.vigil.clamav.ldb;

/**
 * Number parsing with the exact acceptance rules of the C library calls ClamAV's loader relies on
 * ({@code sscanf("%u")}, {@code atoi}, {@code strtol}). Reproducing them keeps odd inputs loading, or failing,
 * exactly as they do in ClamAV.
 */
final class CNumbers {
    private CNumbers() {
    }

    /** Result of a scan: {@code end} is the index after the last character consumed, or -1 when nothing was read. */
    record Scan(long value, int end) {
        boolean ok() {
            return end >= 0;
        }
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static char at(CharSequence s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    /**
     * {@code sscanf(s + from, "%u")}: optional white space and sign, at least one digit; the value is reduced to
     * 32 bits as glibc does (through unsigned long, saturating). Returns {@code end = -1} on no conversion.
     */
    static Scan scanUnsigned(CharSequence s, int from) {
        int i = from;
        while (isSpace(at(s, i))) {
            i++;
        }
        boolean negative = false;
        if (at(s, i) == '+' || at(s, i) == '-') {
            negative = at(s, i) == '-';
            i++;
        }
        if (!isDigit(at(s, i))) {
            return new Scan(0, -1);
        }
        long acc = 0;
        boolean overflow = false;
        while (isDigit(at(s, i))) {
            int d = at(s, i) - '0';
            if (!overflow) {
                // unsigned 64-bit accumulate with saturation
                if (Long.compareUnsigned(acc, Long.divideUnsigned(-1L - d, 10)) > 0) {
                    overflow = true;
                } else {
                    acc = acc * 10 + d;
                }
            }
            i++;
        }
        if (overflow) {
            acc = -1L;
        }
        if (negative && !overflow) {
            acc = -acc;
        }
        return new Scan(acc & 0xffffffffL, i);
    }

    /** True when every character is a decimal digit (also for the empty string, as ClamAV's cli_isnumber). */
    static boolean isNumber(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** {@code (uint32_t) atoi(s)} for a string of digits (checked by {@link #isNumber} first). */
    static long atoiUnsigned(String digits) {
        long acc = 0;
        for (int i = 0; i < digits.length(); i++) {
            int d = digits.charAt(i) - '0';
            if (acc > (Long.MAX_VALUE - d) / 10) {
                acc = Long.MAX_VALUE;
                break;
            }
            acc = acc * 10 + d;
        }
        return acc & 0xffffffffL;
    }

    /**
     * {@code strtol(s + from, &end, base)} with base 0, 10 or 16 on a string that ends at {@code limit}:
     * white space, sign, {@code 0x} prefix (base 0/16), octal for base 0 with a leading zero; saturating.
     * When no digit is consumed, {@code end} is {@code from} (as C sets endptr to the start).
     */
    static Scan strtol(CharSequence s, int from, int limit, int base) {
        int i = from;
        while (i < limit && isSpace(s.charAt(i))) {
            i++;
        }
        boolean negative = false;
        if (i < limit && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            negative = s.charAt(i) == '-';
            i++;
        }
        if ((base == 0 || base == 16) && i + 1 < limit && s.charAt(i) == '0'
                && (s.charAt(i + 1) == 'x' || s.charAt(i + 1) == 'X') && i + 2 < limit && digit(s.charAt(i + 2)) < 16) {
            i += 2;
            base = 16;
        } else if (base == 0) {
            base = i < limit && s.charAt(i) == '0' ? 8 : 10;
        }
        long acc = 0;
        boolean any = false;
        boolean overflow = false;
        long cutoff = negative ? Long.MIN_VALUE : Long.MAX_VALUE;
        for (; i < limit; i++) {
            int d = digit(s.charAt(i));
            if (d >= base) {
                break;
            }
            any = true;
            if (overflow) {
                continue;
            }
            if (negative) {
                if (acc < (Long.MIN_VALUE + d) / base) {
                    overflow = true;
                } else {
                    acc = acc * base - d;
                }
            } else if (acc > (Long.MAX_VALUE - d) / base) {
                overflow = true;
            } else {
                acc = acc * base + d;
            }
        }
        if (!any) {
            return new Scan(0, from);
        }
        return new Scan(overflow ? cutoff : acc, i);
    }

    static int digit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'Z') {
            return c - 'A' + 10;
        }
        return 99;
    }
}
