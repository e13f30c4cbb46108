package dev.vigil.clamav;

/** A database that cannot be loaded: names the file and, where there is one, the line (1-based). */
public final class DatabaseException extends Exception {
    private final String file;
    private final int line;

    public DatabaseException(String file, int line, String message) {
        super(file + (line > 0 ? ":" + line : "") + ": " + message);
        this.file = file;
        this.line = line;
    }

    public DatabaseException(String file, int line, String message, Throwable cause) {
        this(file, line, message);
        initCause(cause);
    }

    public String file() {
        return file;
    }

    /** 1-based line number, or 0 when the problem is not on one line. */
    public int line() {
        return line;
    }
}
