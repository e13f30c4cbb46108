package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * The {@code .info} file of a container (libclamav readdb.c, cli_loadinfo): a copy of the header, then one
 * {@code name:size:sha256} line per database file, then (when signed) a {@code DSIG:} line signing the SHA-256 of
 * every line above it, each counted with a trailing '\n'. Lines after the DSIG line are ignored.
 */
final class InfoFile {
    /** libclamav reads .info lines into an 8 KiB buffer; longer lines are refused. */
    static final int MAX_LINE = 8191;
    private static final String DSIG_PREFIX = "DSIG:";
    private static final int SHA256_HEX = 64;

    /** How the DSIG line is treated. */
    enum SignatureMode {
        /** The DSIG line is required and must verify (.cvd, .cld). */
        VERIFY,
        /** The DSIG line ends the listing and is not checked (verification switched off by the caller). */
        SKIP,
        /** No DSIG line is expected; one is a malformed file line, as libclamav treats it for .cud containers. */
        UNSIGNED
    }

    /** What .info says about one database file. */
    record Listing(long size, byte[] sha256) {
    }

    private final CvdContainer.Header header;
    private final Map<String, Listing> files;

    private InfoFile(CvdContainer.Header header, Map<String, Listing> files) {
        this.header = header;
        this.files = Collections.unmodifiableMap(files);
    }

    CvdContainer.Header header() {
        return header;
    }

    /** Listed files by name; where a name is listed twice the first line counts, as in libclamav. */
    Map<String, Listing> files() {
        return files;
    }

    static InfoFile parse(byte[] content, String infoName, String file, SignatureMode mode) throws DatabaseException {
        MessageDigest signedPart = ClamDsig.sha256();
        CvdContainer.Header header = null;
        Map<String, Listing> files = new HashMap<>();
        boolean signed = false;
        int lineNumber = 0;
        int start = 0;
        while (start < content.length) {
            int end = start;
            while (end < content.length && content[end] != '\n') {
                if (content[end] == 0) {
                    throw error(file, infoName, lineNumber + 1, "contains a NUL byte");
                }
                end++;
            }
            lineNumber++;
            if (end - start > MAX_LINE) {
                throw error(file, infoName, lineNumber, "line is longer than " + MAX_LINE + " bytes");
            }
            String line = new String(content, start, end - start, StandardCharsets.ISO_8859_1);
            int next = end + 1;
            if (mode != SignatureMode.UNSIGNED && line.startsWith(DSIG_PREFIX)) {
                if (mode == SignatureMode.VERIFY
                        && !ClamDsig.verifyInfoSignature(signedPart.digest(), line.substring(DSIG_PREFIX.length()))) {
                    throw error(file, infoName, lineNumber, "digital signature (DSIG) does not verify");
                }
                signed = true;
                break;
            }
            signedPart.update(content, start, end - start);
            signedPart.update((byte) '\n');
            start = next;

            String text = stripLineEnd(line);
            if (text.startsWith("ClamAV-VDB:")) {
                if (header != null) {
                    throw error(file, infoName, lineNumber, "has a second ClamAV-VDB header line");
                }
                header = HeaderParser.parseLine(text, file, infoName + " line " + lineNumber);
                continue;
            }
            if (header == null) {
                throw error(file, infoName, lineNumber, "does not start with a ClamAV-VDB header line");
            }
            parseListing(text, infoName, file, lineNumber, files);
        }
        if (mode == SignatureMode.VERIFY && !signed) {
            throw error(file, infoName, 0, "has no DSIG line; the digital signature is missing");
        }
        if (header == null) {
            throw error(file, infoName, 0, "is empty; a ClamAV-VDB header line is required");
        }
        if (files.isEmpty()) {
            throw error(file, infoName, 0, "lists no database files");
        }
        return new InfoFile(header, files);
    }

    private static void parseListing(String text, String infoName, String file, int lineNumber,
                                     Map<String, Listing> files) throws DatabaseException {
        String[] fields = text.split(":", 4);
        if (fields.length != 3) {
            throw error(file, infoName, lineNumber, "expected name:size:sha256, found " + Texts.quote(text));
        }
        String size = fields[1];
        if (size.isEmpty() || size.length() > 10 || !size.chars().allMatch(c -> c >= '0' && c <= '9')
                || Long.parseLong(size) > Integer.MAX_VALUE) {
            throw error(file, infoName, lineNumber, "invalid size " + Texts.quote(size));
        }
        String hash = fields[2];
        if (hash.length() != SHA256_HEX || !hash.chars().allMatch(InfoFile::isHexDigit)) {
            throw error(file, infoName, lineNumber, "malformed SHA-256 " + Texts.quote(hash));
        }
        files.putIfAbsent(fields[0], new Listing(Long.parseLong(size), HexFormat.of().parseHex(hash)));
    }

    private static boolean isHexDigit(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static String stripLineEnd(String line) {
        int end = line.length();
        while (end > 0 && (line.charAt(end - 1) == '\r' || line.charAt(end - 1) == '\n')) {
            end--;
        }
        return line.substring(0, end);
    }

    private static DatabaseException error(String file, String infoName, int line, String message) {
        return new DatabaseException(file, 0, infoName + (line > 0 ? " line " + line : "") + ": " + message);
    }
}
