package dev.vigil.yara.syntax;

/**
 * One lexical token. {@code text} is the identifier or keyword spelling (for string identifiers with their sigil);
 * {@code bytes} the unescaped text string; {@code number}/{@code real} literal values.
 */
record Token(Kind kind, String text, byte[] bytes, long number, double real, boolean nocase, boolean dotAll,
             int line) {

    enum Kind {
        EOF, IDENTIFIER, STRING_ID, STRING_ID_WILDCARD, STRING_COUNT, STRING_OFFSET, STRING_LENGTH, INT_FUNCTION,
        NUMBER, DOUBLE, TEXT, REGEX, HEX, KEYWORD, PUNCT, INCLUDE
    }

    boolean is(String spelling) {
        return (kind == Kind.KEYWORD || kind == Kind.PUNCT) && text.equals(spelling);
    }

    /** As bison names the token in "unexpected ..." messages. */
    String describe() {
        return switch (kind) {
            case EOF -> "end of file";
            case IDENTIFIER -> "identifier";
            case STRING_ID -> "string identifier";
            case STRING_ID_WILDCARD -> "string identifier with wildcard";
            case STRING_COUNT -> "string count";
            case STRING_OFFSET -> "string offset";
            case STRING_LENGTH -> "string length";
            case INT_FUNCTION -> "integer function";
            case NUMBER -> "integer number";
            case DOUBLE -> "floating point number";
            case TEXT -> "text string";
            case REGEX -> "regular expression";
            case HEX -> "hex string";
            case INCLUDE -> "include";
            case KEYWORD -> "<" + text + ">";
            case PUNCT -> text.length() == 1 && !text.equals("<") && !text.equals(">") ? "'" + text + "'" : text;
        };
    }
}
