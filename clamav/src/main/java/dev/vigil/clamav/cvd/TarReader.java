package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads the ustar archive inside a container with the rules libclamav applies (cvd.c, cli_tgzload): names up to
 * 100 bytes without '/', regular files only (type '0' or NUL), octal size at offset 124, and the archive ends at a
 * block whose first byte is NUL or at the end of the stream. Checksums and the ustar magic are not checked, as
 * in libclamav. Every size is bounded by {@link CvdContainer.Limits} before memory is committed, and entry buffers
 * grow only as bytes actually arrive, so a lying size field cannot force a large allocation.
 */
final class TarReader {
    static final int BLOCK = 512;
    private static final int NAME_LENGTH = 100;
    private static final int SIZE_OFFSET = 124;
    private static final int SIZE_LENGTH = 12;
    private static final int TYPE_OFFSET = 156;
    private static final int FIRST_CHUNK = 64 * 1024;

    /** One regular file of the archive. */
    record Member(String name, byte[] content) {
    }

    private final InputStream in;
    private final String file;
    private final CvdContainer.Limits limits;
    private final byte[] block = new byte[BLOCK];
    private long consumed;
    private boolean finished;

    TarReader(InputStream in, String file, CvdContainer.Limits limits) {
        this.in = in;
        this.file = file;
        this.limits = limits;
    }

    /**
     * The next member, or null at the end of the archive. I/O errors of the underlying stream (a corrupt or
     * truncated gzip body) are reported as DatabaseExceptions, because the caller reads from memory.
     */
    Member next() throws DatabaseException {
        if (finished) {
            return null;
        }
        int read = readFully(block, 0, BLOCK);
        if (read == 0) {
            finished = true;
            return null;
        }
        if (read != BLOCK) {
            throw error("archive ends inside a tar header block (" + read + " of 512 bytes)");
        }
        count(BLOCK);
        if (block[0] == 0) {
            finished = true;
            return null;
        }
        String name = name();
        if (name.indexOf('/') >= 0) {
            throw error("tar entry " + Texts.quote(name) + " has a '/' in its name, which containers do not allow");
        }
        byte type = block[TYPE_OFFSET];
        if (type == '5') {
            throw error("tar entry " + Texts.quote(name) + " is a directory, which containers do not allow");
        }
        if (type != '0' && type != 0) {
            throw error("tar entry " + Texts.quote(name) + " has type flag " + Texts.quote(String.valueOf((char) (type & 0xFF)))
                    + "; only regular files are allowed");
        }
        long size = size(name);
        if (size > limits.maxEntryBytes()) {
            throw error("tar entry " + Texts.quote(name) + " declares " + size + " bytes, over the limit of "
                    + limits.maxEntryBytes() + " bytes per file");
        }
        long padding = (BLOCK - size % BLOCK) % BLOCK;
        count(size + padding);
        byte[] content = readContent(name, (int) size);
        skipPadding((int) padding);
        return new Member(name, content);
    }

    /** Bytes of the tar stream read so far, headers and padding included. */
    long consumed() {
        return consumed;
    }

    private String name() {
        int length = 0;
        while (length < NAME_LENGTH && block[length] != 0) {
            length++;
        }
        return new String(block, 0, length, StandardCharsets.ISO_8859_1);
    }

    /** Like libclamav's sscanf("%o"): leading blanks, then octal digits up to the first other byte. */
    private long size(String name) throws DatabaseException {
        int i = SIZE_OFFSET;
        int end = SIZE_OFFSET + SIZE_LENGTH;
        while (i < end && (block[i] == ' ' || block[i] == '\t')) {
            i++;
        }
        long value = 0;
        int digits = 0;
        while (i < end && block[i] >= '0' && block[i] <= '7') {
            value = value * 8 + (block[i] - '0');
            digits++;
            i++;
        }
        if (digits == 0) {
            String field = new String(block, SIZE_OFFSET, SIZE_LENGTH, StandardCharsets.ISO_8859_1);
            throw error("tar entry " + Texts.quote(name) + " has an invalid size field " + Texts.quote(field));
        }
        return value;
    }

    private void count(long bytes) throws DatabaseException {
        consumed += bytes;
        if (consumed > limits.maxUnpackedBytes()) {
            throw error("unpacked archive exceeds the limit of " + limits.maxUnpackedBytes() + " bytes");
        }
    }

    private byte[] readContent(String name, int size) throws DatabaseException {
        byte[] buffer = new byte[Math.min(size, FIRST_CHUNK)];
        int filled = 0;
        while (filled < size) {
            if (filled == buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(size, 2L * buffer.length));
            }
            int n = readFully(buffer, filled, buffer.length - filled);
            filled += n;
            if (filled < buffer.length) {
                throw error("tar entry " + Texts.quote(name) + " is truncated: " + size + " bytes declared, "
                        + filled + " present");
            }
        }
        return buffer;
    }

    private void skipPadding(int padding) throws DatabaseException {
        // libclamav seeks over the padding; a stream that ends within it simply ends the archive.
        if (padding > 0 && readFully(block, 0, padding) < padding) {
            finished = true;
        }
    }

    private int readFully(byte[] target, int offset, int length) throws DatabaseException {
        try {
            return in.readNBytes(target, offset, length);
        } catch (IOException e) {
            throw new DatabaseException(file, 0, "compressed body is corrupt or truncated: " + e.getMessage(), e);
        }
    }

    private DatabaseException error(String message) {
        return new DatabaseException(file, 0, message);
    }
}
