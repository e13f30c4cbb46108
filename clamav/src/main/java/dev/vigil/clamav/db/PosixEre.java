package dev.vigil.clamav.db;

import java.util.Set;

/**
 * Syntax check of a POSIX extended regular expression the way the regex library bundled with ClamAV (Henry
 * Spencer's) compiles one, so that a container-metadata signature is refused exactly when ClamAV refuses it.
 * Matching is not needed yet; only validity.
 */
final class PosixEre {
    private static final int DUP_MAX = 255;
    private static final Set<String> CLASSES = Set.of("alnum", "digit", "punct", "alpha", "graph", "space", "blank",
            "lower", "upper", "cntrl", "print", "xdigit");

    private final byte[] s;
    private int pos;

    private PosixEre(byte[] s) {
        this.s = s;
    }

    /** True when ClamAV's regcomp(REG_EXTENDED) accepts the pattern. */
    static boolean isValid(byte[] pattern) {
        try {
            PosixEre p = new PosixEre(pattern);
            // ClamAV's wrapper takes a leading "(?i)" as the case-insensitive flag
            if (p.startsWith("(?i)")) {
                p.pos = 4;
            }
            p.ere(Integer.MIN_VALUE);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private boolean more() {
        return pos < s.length;
    }

    private int peek() {
        return s[pos];
    }

    private static void fail() {
        throw new IllegalArgumentException();
    }

    private void ere(int stop) {
        while (true) {
            int start = pos;
            while (more() && peek() != '|' && peek() != stop) {
                exp();
            }
            if (pos == start) {
                fail();
            }
            if (!more() || peek() != '|') {
                return;
            }
            pos++;
        }
    }

    private void exp() {
        int c = s[pos++];
        boolean caret = false;
        switch (c) {
            case '(' -> {
                if (!more()) {
                    fail();
                }
                if (peek() != ')') {
                    ere(')');
                }
                if (!more() || s[pos++] != ')') {
                    fail();
                }
            }
            case '^' -> caret = true;
            case '|', '*', '+', '?' -> fail();
            case '[' -> bracket();
            case '\\' -> {
                if (!more()) {
                    fail();
                }
                pos++;
            }
            case '{' -> {
                if (more() && isDigit(peek())) {
                    fail();
                }
            }
            default -> {
            }
        }
        if (!more() || !isRepeat()) {
            return;
        }
        int r = s[pos++];
        if (caret) {
            fail();
        }
        if (r == '{') {
            int count = count();
            int count2 = count;
            if (more() && peek() == ',') {
                pos++;
                if (more() && isDigit(peek())) {
                    count2 = count();
                    if (count > count2) {
                        fail();
                    }
                }
            }
            if (!more() || s[pos++] != '}') {
                fail();
            }
        }
        if (more() && isRepeat()) {
            fail();
        }
    }

    private boolean isRepeat() {
        int c = peek();
        return c == '*' || c == '+' || c == '?' || (c == '{' && pos + 1 < s.length && isDigit(s[pos + 1]));
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private int count() {
        int count = 0;
        int digits = 0;
        while (more() && isDigit(peek()) && count <= DUP_MAX) {
            count = count * 10 + (s[pos++] - '0');
            digits++;
        }
        if (digits == 0 || count > DUP_MAX) {
            fail();
        }
        return count;
    }

    private void bracket() {
        if (startsWith("[:<:]]") || startsWith("[:>:]]")) {
            pos += 6;
            return;
        }
        if (more() && peek() == '^') {
            pos++;
        }
        if (more() && (peek() == ']' || peek() == '-')) {
            pos++;
        }
        while (more() && peek() != ']' && !startsWith("-]")) {
            term();
        }
        if (more() && peek() == '-') {
            pos++;
        }
        if (!more() || s[pos++] != ']') {
            fail();
        }
    }

    private void term() {
        int c = peek();
        int next = pos + 1 < s.length ? s[pos + 1] : 0;
        if (c == '-') {
            fail();
        }
        if (c == '[' && (next == ':' || next == '=')) {
            pos += 2;
            if (!more() || peek() == '-' || peek() == ']') {
                fail();
            }
            if (next == ':') {
                int from = pos;
                while (more() && Character.isLetter(peek()) && peek() < 128) {
                    pos++;
                }
                if (!CLASSES.contains(new String(s, from, pos - from, java.nio.charset.StandardCharsets.ISO_8859_1))) {
                    fail();
                }
                if (!startsWith(":]")) {
                    fail();
                }
            } else {
                collatingElement('=');
                if (!startsWith("=]")) {
                    fail();
                }
            }
            pos += 2;
            return;
        }
        int start = symbol();
        int finish = start;
        if (more() && peek() == '-' && pos + 1 < s.length && s[pos + 1] != ']') {
            pos++;
            if (more() && peek() == '-') {
                pos++;
                finish = '-';
            } else {
                finish = symbol();
            }
        }
        if (start > finish) {
            fail();
        }
    }

    /** One bracket symbol as a signed char (the C library compares plain chars). */
    private int symbol() {
        if (!more()) {
            fail();
        }
        if (startsWith("[.")) {
            pos += 2;
            int v = collatingElement('.');
            if (!startsWith(".]")) {
                fail();
            }
            pos += 2;
            return v;
        }
        return s[pos++];
    }

    /** A collating element up to {@code end]}: only single characters are accepted here (named ones are rare). */
    private int collatingElement(char end) {
        int from = pos;
        while (more() && !(peek() == end && pos + 1 < s.length && s[pos + 1] == ']')) {
            pos++;
        }
        if (!more()) {
            fail();
        }
        if (pos - from != 1) {
            fail();
        }
        return s[from];
    }

    private boolean startsWith(String t) {
        if (pos + t.length() > s.length) {
            return false;
        }
        for (int i = 0; i < t.length(); i++) {
            if (s[pos + i] != t.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
