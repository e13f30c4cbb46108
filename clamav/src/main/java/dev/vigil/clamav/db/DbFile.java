package dev.vigil.clamav.db;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.Locale;

/**
 * One database file to read: its name (for messages and for the extension that selects the reader), its bytes, and
 * whether it came from a signed container (names stay official) or any container (ClamAV reads lines differently).
 * A plain file may be given by its path instead of its bytes ({@code content} null): the readers of the large
 * formats then stream it through {@link #lines}; {@link #content()} reads it whole for the others.
 */
public record DbFile(String displayName, String fileName, byte[] content, boolean official, boolean fromContainer,
                     Path source, MessageDigest readDigest) {

    public DbFile(String displayName, String fileName, byte[] content, boolean official, boolean fromContainer) {
        this(displayName, fileName, content, official, fromContainer, null, null);
    }

    /** A plain file, read when a reader asks for it. */
    public static DbFile ofPath(Path path) {
        return ofPath(path, null);
    }

    /**
     * A plain file, read when a reader asks for it, whose bytes also go through {@code readDigest} (may be null) as
     * they are read: the digest is then that of exactly what the reader parsed, even if the file changes meanwhile.
     */
    public static DbFile ofPath(Path path, MessageDigest readDigest) {
        return new DbFile(path.toString(), path.getFileName().toString(), null, false, false, path, readDigest);
    }

    @Override
    public byte[] content() {
        if (content != null || source == null) {
            return content;
        }
        try {
            byte[] bytes = Files.readAllBytes(source);
            if (readDigest != null) {
                readDigest.update(bytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file's lines, streamed from its path or read from its bytes; close when done. */
    public DbLines lines(int bufferSize) {
        if (content != null || source == null) {
            return new DbLines(content, bufferSize, fromContainer);
        }
        try {
            InputStream in = Files.newInputStream(source);
            return DbLines.open(readDigest == null ? in : new DigestInputStream(in, readDigest), bufferSize);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the file name ends with {@code suffix}, ignoring case, as ClamAV tests extensions. */
    public boolean hasSuffix(String suffix) {
        return endsWithIgnoreCase(fileName, suffix);
    }

    public static boolean endsWithIgnoreCase(String name, String suffix) {
        return name.length() >= suffix.length()
                && name.regionMatches(true, name.length() - suffix.length(), suffix, 0, suffix.length());
    }

    public String lowerName() {
        return fileName.toLowerCase(Locale.ROOT);
    }
}
