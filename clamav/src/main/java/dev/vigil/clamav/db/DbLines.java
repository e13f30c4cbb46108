package dev.vigil.clamav.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Iterates over the lines of a database held in memory, the way ClamAV's {@code cli_dbgets} reads them. From a plain
 * file ClamAV uses {@code fgets} with a fixed buffer, so a line longer than the buffer arrives as several lines; from a
 * container an over-long line ends the reading. A NUL byte ends a line's content, as C strings do. Lines are
 * returned as [start, end) ranges with trailing CR/LF removed; no copying.
 *
 * <p>A plain file can also be read as a stream through a fixed buffer ({@link #open}): its lines are at most one
 * line buffer long, so the buffer always holds a whole line, and a database of tens of megabytes never sits in memory
 * at once. Positions then refer to {@link #data()}, valid until the next call to {@link #next()}.
 */
public final class DbLines implements AutoCloseable {
    /** Size of the streaming buffer: many lines per read, and always more than one line buffer. */
    static final int STREAM_BUFFER = 1 << 20;

    /** ClamAV's FILEBUFF, the line buffer of most readers. */
    public static final int FILE_BUFFER = 8192;
    /** CLI_DEFAULT_LSIG_BUFSIZE + 1, the logical-signature reader's buffer. */
    public static final int LDB_BUFFER = 32769;

    private final byte[] data;
    /** Bytes of {@link #data} that hold file content. */
    private int filled;
    /** The rest of the file when streaming; null once it is all in {@link #data} (or when reading an array). */
    private InputStream in;
    private final int limit;
    private final boolean fromContainer;
    private int pos;
    private int start;
    private int end;
    private int rawEnd;
    private int number;

    public DbLines(byte[] data, int bufferSize, boolean fromContainer) {
        this.data = data;
        this.filled = data.length;
        this.limit = bufferSize - 1;
        this.fromContainer = fromContainer;
    }

    private DbLines(InputStream in, int bufferSize) {
        this.data = new byte[Math.max(STREAM_BUFFER, bufferSize * 2)];
        this.in = in;
        this.limit = bufferSize - 1;
        this.fromContainer = false;
    }

    /** Reads a plain database file as a stream (see the class comment); close it when done. */
    public static DbLines open(Path file, int bufferSize) throws IOException {
        return new DbLines(Files.newInputStream(file), bufferSize);
    }

    /** Reads a plain database file's content from a stream, as {@link #open(Path, int)}; takes over the stream. */
    public static DbLines open(InputStream in, int bufferSize) {
        return new DbLines(in, bufferSize);
    }

    /** Advances to the next line; false at the end. */
    public boolean next() {
        if (in != null && filled - pos <= limit) {
            refill();
        }
        if (pos >= filled) {
            return false;
        }
        int lineStart = pos;
        // one pass: the line end, and the first NUL (a C string ends there)
        int stop = fromContainer ? filled : Math.min(filled, lineStart + limit);
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
            pos = filled;
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

    /** Moves the unread bytes to the front of the buffer and fills the rest from the stream. */
    private void refill() {
        int rest = filled - pos;
        System.arraycopy(data, pos, data, 0, rest);
        filled = rest;
        pos = 0;
        try {
            int n;
            while (filled < data.length && (n = in.read(data, filled, data.length - filled)) > 0) {
                filled += n;
            }
            if (filled < data.length) {
                close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (in != null) {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                in = null;
            }
        }
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
        return start < filled && data[start] == '#' && pos > start;
    }

    public String text() {
        return new String(data, start, end - start, java.nio.charset.StandardCharsets.UTF_8);
    }
}
