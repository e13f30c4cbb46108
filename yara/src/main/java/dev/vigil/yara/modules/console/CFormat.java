package dev.vigil.yara.modules.console;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Number formatting as glibc's {@code printf} does it, where Java's {@code String.format} differs. */
public final class CFormat {

    private CFormat() {
    }

    /**
     * {@code printf("%f", value)}: the exact binary value rounded half-even to six decimals (Java's formatter
     * rounds the shortest decimal instead, e.g. for 1e23), {@code -0.000000} for negative values that round to
     * zero, and {@code nan}/{@code inf} spelled the C way.
     */
    public static String fixed6(double value) {
        if (Double.isNaN(value)) {
            return (Double.doubleToRawLongBits(value) < 0 ? "-" : "") + "nan";
        }
        if (Double.isInfinite(value)) {
            return value < 0 ? "-inf" : "inf";
        }
        String digits = new BigDecimal(value).setScale(6, RoundingMode.HALF_EVEN).abs().toPlainString();
        return (Double.doubleToRawLongBits(value) < 0 ? "-" : "") + digits;
    }

    /** {@code printf("%s", bytes)} escaping as YARA's console module does: printable ASCII kept, else {@code \xNN}. */
    public static void escape(byte[] s, StringBuilder out) {
        for (byte b : s) {
            int c = b & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                out.append((char) c);
            } else {
                out.append('\\').append('x').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15,
                        16));
            }
        }
    }

    /** A C string argument: the bytes before the first NUL, each as the char of the same code (ISO-8859-1). */
    public static String cString(byte[] s) {
        int end = 0;
        while (end < s.length && s[end] != 0) {
            end++;
        }
        return new String(s, 0, end, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
