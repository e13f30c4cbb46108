package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;

import java.nio.charset.StandardCharsets;

/**
 * {@code .ign2} ({@code name} or {@code name:md5-of-line}) and legacy {@code .ign} ({@code db:line:name}). Entries
 * affect only signatures loaded after them. An empty ignore file is fine.
 *
 * <p>ClamAV 1.4 keeps the MD5 field's position from the last {@code name:md5} line and reads it again, in its
 * reused line buffer, for every later line of the file: a later name-only entry then carries whatever 32 characters
 * are left there (or the file is refused when that is not an MD5). Vigil reproduces the buffer to give the same
 * result.
 */
public final class IgnoreDbReader {
    private static final int MAX_FIELDS = 3;
    private static final int MD5_HEX = 32;

    private IgnoreDbReader() {
    }

    public static void read(DbFile file, LoadSession session) throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        byte[] data = file.content();
        byte[] buffer = new byte[DbLines.FILE_BUFFER + 1];
        int staleHash = -1;
        while (lines.next()) {
            int raw = lines.rawEnd() - lines.start();
            System.arraycopy(data, lines.start(), buffer, 0, raw);
            buffer[raw] = 0;
            if (buffer[0] == '#') {
                continue;
            }
            int len = cLength(buffer, 0);
            while (len > 0 && (buffer[len - 1] == '\n' || buffer[len - 1] == '\r')) {
                buffer[--len] = 0;
            }
            // cli_strtokenize: NUL-terminate up to four ':'-separated fields in place
            int[] starts = new int[MAX_FIELDS + 1];
            int count = 0;
            int p = 0;
            while (count < MAX_FIELDS + 1) {
                starts[count++] = p;
                int q = p;
                while (buffer[q] != 0 && buffer[q] != ':') {
                    q++;
                }
                if (buffer[q] == 0) {
                    break;
                }
                buffer[q] = 0;
                p = q + 1;
            }
            if (count > MAX_FIELDS) {
                throw new DatabaseException(file.displayName(), lines.number(), "too many ':'-separated fields");
            }
            int name = count == 3 ? starts[2] : 0;
            if (count == 2) {
                staleHash = starts[1];
            }
            int nameLength = cLength(buffer, name);
            if (nameLength == 0) {
                throw new DatabaseException(file.displayName(), lines.number(), "no signature name");
            }
            if (nameLength < 3) {
                // ClamAV pads short names in its buffer, which later stale reads can see
                if (name != 0) {
                    System.arraycopy(buffer, name, buffer, 0, nameLength);
                    name = 0;
                }
                buffer[3] = 0;
                for (int k = nameLength; k < 3; k++) {
                    buffer[k] = ' ';
                }
                nameLength = 3;
            }
            String entry = new String(buffer, name, nameLength, StandardCharsets.UTF_8);
            byte[] md5 = null;
            if (staleHash >= 0) {
                int hashLength = cLength(buffer, staleHash);
                md5 = hashLength == MD5_HEX ? HashDbReader.digest(buffer, staleHash, staleHash + MD5_HEX) : null;
                if (md5 == null) {
                    throw new DatabaseException(file.displayName(), lines.number(), "malformed MD5 string");
                }
            }
            session.ignored().add(entry, md5);
        }
    }

    private static int cLength(byte[] b, int from) {
        int i = from;
        while (i < b.length && b[i] != 0) {
            i++;
        }
        return i - from;
    }
}
