package dev.vigil.yara.syntax;

/** Stops compilation of one source at its first error, as YARA does; becomes a {@link dev.vigil.yara.Diagnostic}. */
public final class CompileError extends RuntimeException {
    private final String file;
    private final int line;

    public CompileError(String message, String file, int line) {
        super(message, null, false, false);
        this.file = file;
        this.line = line;
    }

    public String file() {
        return file;
    }

    public int line() {
        return line;
    }
}
