package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A ClamAV signature container (.cvd signed, .cld local, .cud unsigned): header and database files. */
public final class CvdContainer {

    /** One database file inside the container. */
    public record Entry(String name, byte[] content) {
    }

    /** The parsed 512-byte header. */
    public record Header(String buildTime, int version, int signatures, int functionalityLevel, String md5,
                         String signature, String builder, long buildTimeSeconds) {
    }

    private final Header header;
    private final List<Entry> entries;

    private CvdContainer(Header header, List<Entry> entries) {
        this.header = header;
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads and (with {@code verify}) checks a container: header signature, .info signature and every file's size
     * and SHA-256. A container that fails any check is refused with a DatabaseException saying which.
     */
    public static CvdContainer open(Path path, boolean verify) throws IOException, DatabaseException {
        throw new DatabaseException(path.toString(), 0, "TODO(cvd)");
    }

    public Header header() {
        return header;
    }

    /** Database files in container order, COPYING and .info excluded. */
    public List<Entry> entries() {
        return entries;
    }
}
