package dev.vigil.cli;

/** How {@code yara -d name=value} types a value: float, then integer, then boolean, else string. */
final class YaraExternals {
    private YaraExternals() {
    }

    /** A Double, Long, Boolean or String, as yara 4.5.2 would define it. */
    static Object typed(String value) {
        if (isFloat(value)) {
            return Double.parseDouble(value);
        }
        if (isInteger(value)) {
            // yara reads integers with atoi(): values beyond 32 bits wrap
            return (long) CNumbers.atoi(value);
        }
        if (value.equals("true") || value.equals("false")) {
            return value.equals("true");
        }
        return value;
    }

    /** Optional minus, then at least one digit, nothing else. */
    static boolean isInteger(String s) {
        int i = s.startsWith("-") ? 1 : 0;
        if (i == s.length()) {
            return false;
        }
        for (; i < s.length(); i++) {
            if (!isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** Optional minus, digits with exactly one dot that does not come first ("1." counts, ".5" does not). */
    static boolean isFloat(String s) {
        int i = s.startsWith("-") ? 1 : 0;
        if (i < s.length() && s.charAt(i) == '.') {
            return false;
        }
        boolean dot = false;
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '.') {
                if (dot) {
                    return false;
                }
                dot = true;
            } else if (!isDigit(c)) {
                return false;
            }
        }
        return dot;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
