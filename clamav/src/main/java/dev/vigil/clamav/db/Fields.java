package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;

/**
 * ClamAV's {@code cli_strtokenize} on a byte range: splits at every delimiter (empty fields kept) into at most
 * {@code max} fields (a count of {@code max} means "too many"). Reuses its arrays between lines.
 */
final class Fields {
    final int[] from;
    final int[] to;
    int count;

    Fields(int max) {
        from = new int[max];
        to = new int[max];
    }

    Fields split(byte[] b, int start, int end, byte delim) {
        int max = from.length;
        count = 0;
        int s = start;
        while (true) {
            from[count] = s;
            int i = s;
            while (i < end && b[i] != delim) {
                i++;
            }
            to[count] = i;
            count++;
            if (i >= end || count == max) {
                return this;
            }
            s = i + 1;
        }
    }

    /**
     * Whether the optional FLEVEL fields at {@code min} and {@code min + 1} (when present) exclude an engine of level
     * {@code flevel}. Both must be decimal numbers, as ClamAV demands; otherwise the line is malformed.
     */
    boolean outsideLevel(byte[] b, int min, long flevel, String file, int line) throws DatabaseException {
        if (count > min) {
            if (!Numbers.isNumber(b, from[min], to[min])) {
                throw new DatabaseException(file, line, "invalid minimum FLEVEL");
            }
            if (Integer.toUnsignedLong(Numbers.atoi(b, from[min], to[min])) > flevel) {
                return true;
            }
            if (count > min + 1) {
                if (!Numbers.isNumber(b, from[min + 1], to[min + 1])) {
                    throw new DatabaseException(file, line, "invalid maximum FLEVEL");
                }
                return Integer.toUnsignedLong(Numbers.atoi(b, from[min + 1], to[min + 1])) < flevel;
            }
        }
        return false;
    }

    String text(byte[] b, int i) {
        return new String(b, from[i], to[i] - from[i], java.nio.charset.StandardCharsets.UTF_8);
    }

    int length(int i) {
        return to[i] - from[i];
    }

    boolean is(byte[] b, int i, String s) {
        if (length(i) != s.length()) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (b[from[i] + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }
}
