package dev.vigil.clamav.db;

/**
 * Iterates over the lines of a database held in memory, the way ClamAV's {@code cli_dbgets} reads them. From a plain
 * file ClamAV uses {@code fgets} with a fixed buffer, so a line longer than the buffer arrives as several lines; from a
 * container an over-long line ends the reading. A NUL byte ends a line's content, as C strings do. Lines are
 * returned as [start, end) ranges with trailing CR/LF removed; no copying.
 */
public final class DbLines {
    /** ClamAV's FILEBUFF, the line buffer of most readers. */
    public static final int FILE_BUFFER = 8192;
    /** CLI_DEFAULT_LSIG_BUFSIZE + 1, the logical-signature reader's buffer. */
    public static final int LDB_BUFFER = 32769;

    private final byte[] data;
    private final int limit;
    private final boolean fromContainer;
    private int pos;
    private int start;
    private int end;
    private int rawEnd;
    private int number;

    public DbLines(byte[] data, int bufferSize, boolean fromContainer) {
        this.data = data;
        this.limit = bufferSize - 1;
        this.fromContainer = fromContainer;
    }

    /** Advances to the next line; false at the end. */
    public boolean next() {
        if (pos >= data.length) {
            return false;
        }
        int lineStart = pos;
        // one pass: the line end, and the first NUL (a C string ends there)
        int stop = fromContainer ? data.length : Math.min(data.length, lineStart + limit);
        int nul = -1;
        int i = lineStart;
        while (i < stop && data[i] != '\n') {
            if (data[i] == 0 && nul < 0) {
                nul = i;
            }
            i++;
        }
        boolean newline = i < stop;
        if (fromContainer && newline && i - lineStart > limit) {
            pos = data.length;
            return false;
        }
        int rawEnd = newline ? i + 1 : i;
        pos = rawEnd;
        this.rawEnd = rawEnd;
        number++;
        int e = nul >= 0 ? nul : rawEnd;
        while (e > lineStart && (data[e - 1] == '\n' || data[e - 1] == '\r')) {
            e--;
        }
        start = lineStart;
        end = e;
        return true;
    }

    public byte[] data() {
        return data;
    }

    public int start() {
        return start;
    }

    /** End of the bytes ClamAV's line read copied (line terminator and bytes after a NUL included). */
    public int rawEnd() {
        return rawEnd;
    }

    public int end() {
        return end;
    }

    /** 1-based number of the current line (counting comments). */
    public int number() {
        return number;
    }

    public boolean isComment() {
        return start < data.length && data[start] == '#' && pos > start;
    }

    public String text() {
        return new String(data, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
    }
}
