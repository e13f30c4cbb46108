package dev.vigil.engine.normalize;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/**
 * Splits HTML input into the NUL-free "lines" ClamAV's HTML normaliser works on: up to 8191 bytes, NUL bytes dropped,
 * and, where a chunk would end inside a word, cut back to its last whitespace. The normaliser's state machine skips
 * leading whitespace at each chunk start, so these boundaries change its output and must be reproduced exactly.
 */
final class HtmlChunkReader {
    static final int MAX_CHUNK = 8192;
    private static final int READ_BLOCK = 65536;

    private final ScanInput in;
    private final long size;
    private long offset;
    private final byte[] block = new byte[READ_BLOCK];

    HtmlChunkReader(ScanInput in) {
        this.in = in;
        this.size = in.size();
    }

    /**
     * Fills {@code line} (at least {@value #MAX_CHUNK} + 1 bytes) with the next chunk, NUL-terminated.
     *
     * @return the chunk length, or -1 at the end of the input
     */
    int next(byte[] line) throws IOException {
        long remaining = size - offset;
        int chunkLen = (int) Math.min(remaining, MAX_CHUNK - 1);
        if (chunkLen <= 0) {
            return -1;
        }
        int got = readFully(offset, line, chunkLen);
        if (got < chunkLen) {
            return -1;
        }
        int firstNul = indexOfNul(line, chunkLen);
        long nextPos;
        int len;
        if (firstNul < 0) {
            len = chunkLen;
            offset += chunkLen;
            nextPos = offset;
        } else {
            // Keep the bytes before the first NUL, then copy further non-NUL bytes from anywhere up to the end of
            // the input until the chunk is full; the offset advances over everything read.
            len = firstNul;
            long pos = offset + firstNul;
            while (pos < size && len < MAX_CHUNK - 1) {
                int n = (int) Math.min(READ_BLOCK, size - pos);
                int r = readFully(pos, block, n);
                if (r <= 0) {
                    pos = size;
                    break;
                }
                int i = 0;
                while (i < r && len < MAX_CHUNK - 1) {
                    byte c = block[i++];
                    if (c != 0) {
                        line[len++] = c;
                    }
                }
                pos += i;
            }
            nextPos = pos;
            offset = pos;
        }
        line[len] = 0;
        if (len > 0 && nextPos < size && !isSpace(byteAt(nextPos))) {
            int keep = rewindToSpace(line, len);
            if (keep < len) {
                line[keep] = 0;
                // ClamAV steps back by the number of kept-then-dropped characters, even if NULs were skipped.
                offset -= len - keep;
                len = keep;
            }
        }
        return len;
    }

    private static int rewindToSpace(byte[] chunk, int len) {
        int n = len;
        while (!isSpace(chunk[n - 1] & 0xff) && n > 1) {
            n--;
        }
        return n == 1 ? len : n;
    }

    private int byteAt(long pos) throws IOException {
        byte[] one = new byte[1];
        return in.read(pos, one, 0, 1) == 1 ? one[0] & 0xff : 0;
    }

    private static int indexOfNul(byte[] b, int len) {
        for (int i = 0; i < len; i++) {
            if (b[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private int readFully(long pos, byte[] dst, int want) throws IOException {
        int n = 0;
        while (n < want) {
            int r = in.read(pos + n, dst, n, want - n);
            if (r <= 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    static boolean isSpace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0d);
    }
}
