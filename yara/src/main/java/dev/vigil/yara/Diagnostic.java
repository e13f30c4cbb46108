package dev.vigil.yara;

/** A compile error or warning, located in the rule source. */
public record Diagnostic(Severity severity, String file, int line, String message) {

    public enum Severity { ERROR, WARNING }

    /** As {@code yara} prints it: {@code file(line): error: message}. */
    public String format() {
        return file + "(" + line + "): " + (severity == Severity.ERROR ? "error" : "warning") + ": " + message;
    }
}
