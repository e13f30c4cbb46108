package dev.vigil.yara;

/**
 * A compile error or warning, located in the rule source.
 *
 * @param rule the rule it is about, or null when it is outside any rule (imports, includes)
 */
public record Diagnostic(Severity severity, String file, int line, String message, String rule) {

    public enum Severity { ERROR, WARNING }

    public Diagnostic(Severity severity, String file, int line, String message) {
        this(severity, file, line, message, null);
    }

    /**
     * As {@code yara} prints it: {@code error: rule "NAME" in file(line): message} inside a rule,
     * {@code file(line): error: message} outside one.
     */
    public String format() {
        String kind = severity == Severity.ERROR ? "error" : "warning";
        if (rule != null) {
            return kind + ": rule \"" + rule + "\" in " + file + "(" + line + "): " + message;
        }
        return file + "(" + line + "): " + kind + ": " + message;
    }
}
