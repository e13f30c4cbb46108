package dev.vigil.clamav.db;

import dev.vigil.clamav.DatabaseException;

/**
 * {@code .ign2} ({@code name} or {@code name:md5-of-line}) and legacy {@code .ign} ({@code db:line:name}). Entries
 * affect only signatures loaded after them. An empty ignore file is fine.
 */
public final class IgnoreDbReader {
    private static final int MAX_FIELDS = 3;

    private IgnoreDbReader() {
    }

    public static void read(DbFile file, LoadSession session) throws DatabaseException {
        DbLines lines = new DbLines(file.content(), DbLines.FILE_BUFFER, file.fromContainer());
        Fields f = new Fields(MAX_FIELDS + 1);
        byte[] b = file.content();
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            f.split(b, lines.start(), lines.end(), (byte) ':');
            if (f.count > MAX_FIELDS) {
                throw new DatabaseException(file.displayName(), lines.number(), "too many ':'-separated fields");
            }
            int nameField = f.count == 3 ? 2 : 0;
            if (f.length(nameField) == 0) {
                throw new DatabaseException(file.displayName(), lines.number(), "no signature name");
            }
            byte[] md5 = null;
            if (f.count == 2) {
                md5 = f.length(1) == 32 ? HashDbReader.digest(b, f.from[1], f.to[1]) : null;
                if (md5 == null) {
                    throw new DatabaseException(file.displayName(), lines.number(), "malformed MD5 string");
                }
            }
            session.ignored().add(f.text(b, nameField), md5);
        }
    }
}
