package dev.vigil.yara.syntax;

/** Stops compilation of one source at its first error, as YARA does; becomes a {@link dev.vigil.yara.Diagnostic}. */
public final class CompileError extends RuntimeException {
    private final String file;
    private final int line;
    private final String rule;

    public CompileError(String message, String file, int line) {
        this(message, file, line, null);
    }

    public CompileError(String message, String file, int line, String rule) {
        super(message, null, false, false);
        this.file = file;
        this.line = line;
        this.rule = rule;
    }

    /** The rule the error is in, or null outside rules. */
    public String rule() {
        return rule;
    }

    /** This error attributed to {@code rule}, unless it already names one. */
    public CompileError inRule(String name) {
        return rule != null ? this : new CompileError(getMessage(), file, line, name);
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }
}
