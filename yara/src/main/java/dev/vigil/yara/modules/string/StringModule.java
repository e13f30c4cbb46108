package dev.vigil.yara.modules.string;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.modules.math.ScanRange;

/** YARA's {@code string} module: {@code to_int} with C {@code strtoll} rules, and {@code length}. */
public final class StringModule implements YaraModule {

    private static final Type.Struct SCHEMA = Type.struct()
            .function("to_int", "s", Type.INTEGER)
            .function("to_int", "si", Type.INTEGER)
            .function("length", "s", Type.INTEGER)
            .build();

    private static final StructValue VALUE = new StructValue()
            .set("to_int", (ModuleFunction) (o, a) -> o == 0 ? toInt((byte[]) a[0], 0) : toInt((byte[]) a[0],
                    (Long) a[1]))
            .set("length", (ModuleFunction) (o, a) -> (long) ((byte[]) a[0]).length);

    @Override
    public String name() {
        return "string";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) {
        return VALUE;
    }

    /**
     * Parses like {@code strtoll(s, &end, base)} and requires the whole string to be consumed, as YARA does. The
     * string is read as C reads it: up to its first NUL byte.
     *
     * @return the value, or null when YARA answers undefined (bad base, no digits, trailing text, overflow)
     */
    public static Long toInt(byte[] s, long base) {
        if (!(base == 0 || (base >= 2 && base <= 36))) {
            return null;
        }
        int end = 0;
        while (end < s.length && s[end] != 0) {
            end++;
        }
        int i = 0;
        while (i < end && isSpace(s[i])) {
            i++;
        }
        boolean negative = false;
        if (i < end && (s[i] == '+' || s[i] == '-')) {
            negative = s[i] == '-';
            i++;
        }
        int radix = (int) base;
        boolean hexPrefix = i + 1 < end && s[i] == '0' && (s[i + 1] | 0x20) == 'x'
                && i + 2 < end && digit(s[i + 2]) < 16;
        if ((radix == 0 || radix == 16) && hexPrefix) {
            radix = 16;
            i += 2;
        } else if (radix == 0) {
            radix = i < end && s[i] == '0' ? 8 : 10;
        }
        int digitsStart = i;
        long value = 0; // accumulated negatively so that Long.MIN_VALUE fits
        boolean overflow = false;
        while (i < end) {
            int d = digit(s[i]);
            if (d >= radix) {
                break;
            }
            if (value < Long.MIN_VALUE / radix || value * radix < Long.MIN_VALUE + d) {
                overflow = true; // strtoll still consumes the remaining digits, then reports ERANGE
            } else if (!overflow) {
                value = value * radix - d;
            }
            i++;
        }
        overflow |= !negative && value == Long.MIN_VALUE;
        if (i == digitsStart || i != end || overflow) {
            return null;
        }
        return ScanRange.integer(negative ? value : -value);
    }

    private static boolean isSpace(byte c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static int digit(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        int lower = c | 0x20;
        if (lower >= 'a' && lower <= 'z') {
            return lower - 'a' + 10;
        }
        return 99;
    }
}
