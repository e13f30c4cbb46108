package dev.vigil.yara.syntax;

import java.util.Set;

/** Splits YARA rule source into tokens on demand, following the token rules of YARA 4.5's lexer. */
final class Lexer {

    static final Set<String> KEYWORDS = Set.of("private", "global", "rule", "meta", "strings", "ascii", "wide", "xor",
            "base64", "base64wide", "fullword", "nocase", "condition", "true", "false", "not", "and", "or", "at", "in",
            "of", "them", "for", "all", "any", "none", "entrypoint", "filesize", "matches", "contains", "startswith",
            "endswith", "icontains", "istartswith", "iendswith", "iequals", "import", "defined");

    static final Set<String> INT_FUNCTIONS = Set.of("int8", "int16", "int32", "uint8", "uint16", "uint32", "int8be",
            "int16be", "int32be", "uint8be", "uint16be", "uint32be");

    private static final int MAX_IDENTIFIER = 128;
    /** YARA's lexer buffer: text strings and regexes of 8191 bytes or more do not fit. */
    private static final int LEX_BUFFER = 8192;

    private final byte[] src;
    private final String file;
    private int pos;
    private int line = 1;

    Lexer(byte[] src, String file) {
        this.src = src;
        this.file = file;
    }

    int line() {
        return line;
    }

    private CompileError error(String message) {
        return new CompileError(message, file, line);
    }

    private Token tok(Token.Kind kind, String text) {
        return new Token(kind, text, null, 0, 0, false, false, line);
    }

    Token next() {
        skipSpaceAndComments();
        if (pos >= src.length) {
            // YARA reports errors at the end of the input on line 0.
            return new Token(Token.Kind.EOF, "", null, 0, 0, false, false, 0);
        }
        int c = src[pos] & 0xff;
        int startLine = line;
        if (isLetter(c) || c == '_') {
            int start = pos;
            while (pos < src.length && isIdentChar(src[pos] & 0xff)) {
                pos++;
            }
            String word = ascii(start, pos);
            if (word.equals("include") && pos < src.length && (src[pos] == ' ' || src[pos] == '\t')) {
                int p = pos;
                while (p < src.length && (src[p] == ' ' || src[p] == '\t')) {
                    p++;
                }
                if (p < src.length && src[p] == '"') {
                    pos = p + 1;
                    int s = pos;
                    while (pos < src.length && src[pos] != '"') {
                        if (src[pos] == '\n') {
                            line++;
                        }
                        pos++;
                    }
                    if (pos >= src.length) {
                        throw error("syntax error, unexpected end of file");
                    }
                    String path = new String(src, s, pos - s, java.nio.charset.StandardCharsets.UTF_8);
                    pos++;
                    return new Token(Token.Kind.INCLUDE, path, null, 0, 0, false, false, startLine);
                }
            }
            if (KEYWORDS.contains(word)) {
                return tok(Token.Kind.KEYWORD, word);
            }
            if (INT_FUNCTIONS.contains(word)) {
                return tok(Token.Kind.INT_FUNCTION, word);
            }
            if (word.length() > MAX_IDENTIFIER) {
                throw error("identifier too long");
            }
            return tok(Token.Kind.IDENTIFIER, word);
        }
        if (isDigit(c)) {
            return number();
        }
        switch (c) {
            case '"':
                return text();
            case '/':
                return regex();
            case '{': {
                int end = hexStringEnd(pos);
                if (end > 0) {
                    String body = ascii(pos + 1, end - 1);
                    for (int i = pos; i < end; i++) {
                        if (src[i] == '\n') {
                            line++;
                        }
                    }
                    pos = end;
                    // Like flex's yylineno, a token spanning lines reports the line it ends on.
                    return new Token(Token.Kind.HEX, body, null, 0, 0, false, false, line);
                }
                pos++;
                return tok(Token.Kind.PUNCT, "{");
            }
            case '$': case '#': case '@': case '!': {
                int start = pos;
                pos++;
                if (c == '!' && pos < src.length && src[pos] == '=') {
                    pos++;
                    return tok(Token.Kind.PUNCT, "!=");
                }
                while (pos < src.length && isIdentChar(src[pos] & 0xff)) {
                    pos++;
                }
                String id = ascii(start, pos);
                if (c == '$' && pos < src.length && src[pos] == '*') {
                    pos++;
                    return tok(Token.Kind.STRING_ID_WILDCARD, id + "*");
                }
                Token.Kind kind = switch (c) {
                    case '$' -> Token.Kind.STRING_ID;
                    case '#' -> Token.Kind.STRING_COUNT;
                    case '@' -> Token.Kind.STRING_OFFSET;
                    default -> Token.Kind.STRING_LENGTH;
                };
                return tok(kind, id);
            }
            default:
                break;
        }
        String two = pos + 1 < src.length ? twoCharOperator(c, src[pos + 1] & 0xff) : null;
        if (two != null) {
            pos += 2;
            return tok(Token.Kind.PUNCT, two);
        }
        if (c >= 32 && c < 127) {
            pos++;
            return tok(Token.Kind.PUNCT, ONE_CHAR[c]);
        }
        throw error("non-ascii character");
    }

    /** The printable ASCII characters as strings, so that punctuation tokens allocate no text. */
    private static final String[] ONE_CHAR = new String[127];

    static {
        for (int c = 32; c < 127; c++) {
            ONE_CHAR[c] = String.valueOf((char) c).intern();
        }
    }

    private static String twoCharOperator(int a, int b) {
        return switch (a) {
            case '.' -> b == '.' ? ".." : null;
            case '<' -> b == '=' ? "<=" : b == '<' ? "<<" : null;
            case '>' -> b == '=' ? ">=" : b == '>' ? ">>" : null;
            case '=' -> b == '=' ? "==" : null;
            case '!' -> b == '=' ? "!=" : null;
            default -> null;
        };
    }

    private void skipSpaceAndComments() {
        while (pos < src.length) {
            int c = src[pos];
            if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
                if (c == '\n') {
                    line++;
                }
                pos++;
            } else if (c == '/' && pos + 1 < src.length && src[pos + 1] == '/') {
                while (pos < src.length && src[pos] != '\n') {
                    pos++;
                }
            } else if (c == '/' && pos + 1 < src.length && src[pos + 1] == '*') {
                pos += 2;
                // An unterminated block comment silently runs to the end of the input, as in YARA.
                while (pos < src.length && !(src[pos] == '*' && pos + 1 < src.length && src[pos + 1] == '/')) {
                    if (src[pos] == '\n') {
                        line++;
                    }
                    pos++;
                }
                pos = Math.min(src.length, pos + 2);
            } else {
                return;
            }
        }
    }

    private Token number() {
        int start = pos;
        if (src[pos] == '0' && pos + 2 < src.length && (src[pos + 1] == 'x' || src[pos + 1] == 'o')) {
            boolean hex = src[pos + 1] == 'x';
            int p = pos + 2;
            while (p < src.length && (hex ? isHexDigit(src[p] & 0xff) : (src[p] >= '0' && src[p] <= '7'))) {
                p++;
            }
            if (p > pos + 2) {
                pos = p;
                String digits = ascii(start + 2, p);
                try {
                    return numberTok(Long.parseLong(digits, hex ? 16 : 8));
                } catch (NumberFormatException e) {
                    throw error("integer overflow in \"" + ascii(start, p) + "\"");
                }
            }
        }
        while (pos < src.length && isDigit(src[pos] & 0xff)) {
            pos++;
        }
        if (pos + 1 < src.length && src[pos] == '.' && isDigit(src[pos + 1] & 0xff)) {
            pos++;
            while (pos < src.length && isDigit(src[pos] & 0xff)) {
                pos++;
            }
            double d = Double.parseDouble(ascii(start, pos));
            return new Token(Token.Kind.DOUBLE, ascii(start, pos), null, 0, d, false, false, line);
        }
        int digitsEnd = pos;
        long multiplier = 1;
        if (pos + 1 < src.length && src[pos + 1] == 'B' && (src[pos] == 'K' || src[pos] == 'M')) {
            multiplier = src[pos] == 'K' ? 1024 : 1048576;
            pos += 2;
        }
        long value;
        try {
            value = Long.parseLong(ascii(start, digitsEnd));
        } catch (NumberFormatException e) {
            throw error("integer overflow in \"" + ascii(start, pos) + "\"");
        }
        if (value > Long.MAX_VALUE / multiplier) {
            throw error("integer overflow in \"" + ascii(start, pos) + "\"");
        }
        return numberTok(value * multiplier);
    }

    private Token numberTok(long v) {
        return new Token(Token.Kind.NUMBER, Long.toString(v), null, v, 0, false, false, line);
    }

    private Token text() {
        int startLine = line;
        pos++;
        // Most strings have no escape: one scan to the closing quote and one copy.
        int end = pos;
        while (end < src.length && end - pos < LEX_BUFFER - 1 && src[end] != '"' && src[end] != '\\'
                && src[end] != '\n') {
            end++;
        }
        if (end < src.length && end - pos < LEX_BUFFER - 1 && src[end] == '"') {
            byte[] bytes = java.util.Arrays.copyOfRange(src, pos, end);
            pos = end + 1;
            return new Token(Token.Kind.TEXT, new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1), bytes,
                    0, 0, false, false, startLine);
        }
        // Escapes: decoded into a plain array (ByteArrayOutputStream's methods are synchronized, which costs in a
        // cold JVM); the copy of the plain part so far is kept.
        byte[] out = new byte[Math.min(LEX_BUFFER, Math.max(16, 2 * (end - pos) + 16))];
        int n = end - pos;
        System.arraycopy(src, pos, out, 0, n);
        pos = end;
        if (n > 0) {
            checkSpace(n);
        }
        while (true) {
            if (pos >= src.length) {
                throw error("syntax error, unexpected end of file");
            }
            int c = src[pos] & 0xff;
            if (c == '"') {
                pos++;
                break;
            }
            if (c == '\n') {
                throw error("unterminated string");
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, Math.min(LEX_BUFFER, 2 * n));
            }
            if (c == '\\') {
                if (pos + 1 >= src.length) {
                    throw error("illegal escape sequence");
                }
                int e = src[pos + 1] & 0xff;
                switch (e) {
                    case 't' -> out[n++] = '\t';
                    case 'r' -> out[n++] = '\r';
                    case 'n' -> out[n++] = '\n';
                    case '"' -> out[n++] = '"';
                    case '\\' -> out[n++] = '\\';
                    case 'x' -> {
                        if (pos + 3 < src.length && isHexDigit(src[pos + 2] & 0xff)
                                && isHexDigit(src[pos + 3] & 0xff)) {
                            out[n++] = (byte) (hexValue(src[pos + 2] & 0xff) << 4 | hexValue(src[pos + 3] & 0xff));
                            pos += 2;
                        } else {
                            throw error("illegal escape sequence");
                        }
                    }
                    default -> throw error("illegal escape sequence");
                }
                pos += 2;
                checkSpace(n);
                continue;
            }
            out[n++] = (byte) c;
            pos++;
            checkSpace(n);
        }
        byte[] bytes = java.util.Arrays.copyOf(out, n);
        return new Token(Token.Kind.TEXT, new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1), bytes, 0, 0,
                false, false, startLine);
    }

    private Token regex() {
        int startLine = line;
        pos++;
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (pos >= src.length) {
                throw error("syntax error, unexpected end of file");
            }
            int c = src[pos] & 0xff;
            if (c == '/') {
                pos++;
                break;
            }
            if (c == '\n') {
                throw error("unterminated regular expression");
            }
            if (c == '\\') {
                if (pos + 1 >= src.length) {
                    throw error("syntax error, unexpected end of file");
                }
                int e = src[pos + 1] & 0xff;
                if (e == '\n') {
                    throw error("unterminated regular expression");
                }
                if (e == '/') {
                    sb.append('/');
                } else {
                    sb.append('\\').append((char) e);
                }
                pos += 2;
                checkSpace(sb.length());
                continue;
            }
            sb.append((char) c);
            pos++;
            checkSpace(sb.length());
        }
        boolean nocase = false;
        boolean dotAll = false;
        if (pos < src.length && src[pos] == 'i') {
            nocase = true;
            pos++;
        }
        if (pos < src.length && src[pos] == 's') {
            dotAll = true;
            pos++;
        }
        if (sb.isEmpty()) {
            throw error("empty regular expression");
        }
        return new Token(Token.Kind.REGEX, sb.toString(), null, 0, 0, nocase, dotAll, startLine);
    }

    private void checkSpace(int size) {
        if (size >= LEX_BUFFER - 1) {
            throw error("out of space in lex_buf");
        }
    }

    /** End (exclusive, after the '}') of a hex string token starting at {@code start}, or -1. */
    private int hexStringEnd(int start) {
        int p = start + 1;
        int items = 0;
        while (p < src.length) {
            int c = src[p] & 0xff;
            if (c == '}') {
                return items > 0 ? p + 1 : -1;
            }
            if (isHexDigit(c) || c == ' ' || c == '-' || c == '|' || c == '~' || c == '?' || c == '[' || c == ']'
                    || c == '(' || c == ')' || c == '\n' || c == '\r' || c == '\t') {
                p++;
                items++;
            } else if (c == '/' && p + 1 < src.length && src[p + 1] == '*') {
                int q = p + 2;
                while (q + 1 < src.length && !(src[q] == '*' && src[q + 1] == '/')) {
                    q++;
                }
                if (q + 1 >= src.length) {
                    return -1;
                }
                p = q + 2;
                items++;
            } else if (c == '/' && p + 1 < src.length && src[p + 1] == '/') {
                int q = p;
                while (q < src.length && src[q] != '\n') {
                    q++;
                }
                if (q >= src.length) {
                    return -1;
                }
                p = q + 1;
                items++;
            } else {
                return -1;
            }
        }
        return -1;
    }

    private String ascii(int from, int to) {
        return new String(src, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    static boolean isLetter(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isIdentChar(int c) {
        return isLetter(c) || isDigit(c) || c == '_';
    }

    private static int hexValue(int c) {
        return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
    }

    static boolean isHexDigit(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
