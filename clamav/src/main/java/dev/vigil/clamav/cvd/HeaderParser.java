package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;

import java.nio.charset.StandardCharsets;

/**
 * Parses the {@code ClamAV-VDB:...} header: the 512-byte block at the start of a container and the first line of
 * its {@code .info} file. Fields: magic, build time, version, signature count, functionality level, MD5, dsig,
 * builder and (optional in old files) the build time in Unix seconds.
 */
final class HeaderParser {
    static final int HEADER_SIZE = 512;
    private static final String MAGIC = "ClamAV-VDB";
    private static final int REQUIRED_FIELDS = 8;

    private HeaderParser() {
    }

    /** Parses the header block; {@code bytes} must hold at least {@link #HEADER_SIZE} bytes. */
    static CvdContainer.Header parseBlock(byte[] bytes, String file) throws DatabaseException {
        if (bytes.length < HEADER_SIZE) {
            throw new DatabaseException(file, 0,
                    "file has " + bytes.length + " bytes, shorter than the 512-byte container header");
        }
        // libclamav reads the block as a C string: it ends at the first NUL; the padding spaces are trimmed.
        int end = 0;
        while (end < HEADER_SIZE && bytes[end] != 0) {
            end++;
        }
        while (end > 0 && isPadding(bytes[end - 1])) {
            end--;
        }
        return parseLine(new String(bytes, 0, end, StandardCharsets.ISO_8859_1), file, "container header");
    }

    /** Parses one header line (no padding, no line end); {@code where} names it in errors. */
    static CvdContainer.Header parseLine(String line, String file, String where) throws DatabaseException {
        String[] fields = line.split(":", -1);
        if (!fields[0].equals(MAGIC)) {
            throw new DatabaseException(file, 0, where + " does not start with \"ClamAV-VDB:\"; not a ClamAV container");
        }
        if (fields.length < REQUIRED_FIELDS) {
            throw new DatabaseException(file, 0, where + " has " + fields.length
                    + " ':'-separated fields, at least 8 are required (magic:time:version:signatures:flevel:md5:dsig:builder)");
        }
        String buildTime = fields[1];
        if (buildTime.isEmpty()) {
            throw new DatabaseException(file, 0, where + " has an empty build time");
        }
        int version = parseCount(fields[2], "version", file, where);
        int signatures = parseCount(fields[3], "signature count", file, where);
        int level = parseCount(fields[4], "functionality level", file, where);
        String builder = fields[7];
        if (builder.isEmpty()) {
            throw new DatabaseException(file, 0, where + " has an empty builder name");
        }
        long seconds = 0;
        if (fields.length > 8) {
            String text = fields[8].strip();
            if (!text.isEmpty()) {
                seconds = parseSeconds(text, file, where);
            }
        }
        return new CvdContainer.Header(buildTime, version, signatures, level, fields[5], fields[6], builder, seconds);
    }

    private static boolean isPadding(byte b) {
        return b == ' ' || b == '\n' || b == '\r';
    }

    private static int parseCount(String text, String what, String file, String where) throws DatabaseException {
        if (!isDigits(text, 10)) {
            throw new DatabaseException(file, 0, where + ": " + what + " is not a decimal number: " + Texts.quote(text));
        }
        long value = Long.parseLong(text);
        if (value > Integer.MAX_VALUE) {
            throw new DatabaseException(file, 0, where + ": " + what + " " + text + " is out of range");
        }
        return (int) value;
    }

    private static long parseSeconds(String text, String file, String where) throws DatabaseException {
        if (!isDigits(text, 18)) {
            throw new DatabaseException(file, 0, where + ": build time in seconds is not a decimal number: "
                    + Texts.quote(text));
        }
        return Long.parseLong(text);
    }

    private static boolean isDigits(String text, int maxLength) {
        if (text.isEmpty() || text.length() > maxLength) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
