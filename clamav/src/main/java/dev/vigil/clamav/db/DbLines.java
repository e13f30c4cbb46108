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
        int nl = indexOfNewline(lineStart);
        int rawEnd;
        if (fromContainer) {
            if (nl >= 0 && nl - lineStart > limit) {
                pos = data.length;
                return false;
            }
            rawEnd = nl < 0 ? data.length : nl + 1;
        } else {
            int max = lineStart + limit;
            rawEnd = nl >= 0 && nl < max ? nl + 1 : Math.min(data.length, max);
        }
        pos = rawEnd;
        number++;
        int e = lineStart;
        while (e < rawEnd && data[e] != 0) {
            e++;
        }
        while (e > lineStart && (data[e - 1] == '\n' || data[e - 1] == '\r')) {
            e--;
        }
        start = lineStart;
        end = e;
        return true;
    }

    private int indexOfNewline(int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    public byte[] data() {
        return data;
    }

    public int start() {
        return start;
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
