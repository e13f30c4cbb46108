package dev.vigil.yara.syntax;

/**
 * One declaration of a rule's {@code strings:} section, as written.
 *
 * @param identifier  the identifier with its {@code $} ({@code "$a"}), or {@code "$"} for an anonymous string
 * @param kind        text, hex or regular expression
 * @param text        TEXT: the bytes after escape processing; otherwise null
 * @param source      HEX: the text between the braces; REGEX: the text between the slashes, unprocessed
 * @param nocaseFlag  REGEX: the trailing {@code i} flag
 * @param dotAllFlag  REGEX: the trailing {@code s} flag
 * @param line        1-based line of the identifier, for diagnostics
 * @param column      1-based column of the identifier
 */
public record StringDecl(String identifier, Kind kind, byte[] text, String source, boolean nocaseFlag,
                         boolean dotAllFlag, StringModifiers modifiers, String file, int line, int column) {

    public enum Kind { TEXT, HEX, REGEX }
}
