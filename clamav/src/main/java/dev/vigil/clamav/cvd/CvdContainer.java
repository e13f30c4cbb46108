package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * A ClamAV signature container (.cvd signed, .cld local, .cud unsigned): header and database files.
 *
 * <p>Checks, following libclamav 1.4 ({@code cli_cvdload}, {@code cli_tgzload}, {@code cli_loadinfo}):
 * <ul>
 *   <li>.cvd: the MD5 of everything after the header equals the header's MD5 field, and the header's RSA
 *       signature verifies over that MD5;</li>
 *   <li>.cvd and .cld: the {@code .info} file carries a valid {@code DSIG} line (.cud: none is expected);</li>
 *   <li>all kinds: the {@code .info} header equals the container header (version, signature count,
 *       functionality level, build time in seconds), and every database file in the archive is listed in
 *       {@code .info} with its exact size and SHA-256.</li>
 * </ul>
 * Like libclamav, files without a database extension (COPYING, a second .info) are neither checked nor returned,
 * and files listed in {@code .info} but absent from the archive are not an error (local .cld files often lack
 * some).
 */
public final class CvdContainer {

    /** Container kinds, by file extension. */
    public enum Kind {
        /** Signed official database: header signature and .info signature. */
        CVD,
        /** Local copy patched by cdiff: no header signature, .info signature. */
        CLD,
        /** Unsigned container: neither signature. */
        CUD;

        /** The kind named by the file's extension (case-insensitive), or null for another extension. */
        public static Kind of(Path file) {
            Path name = file.getFileName();
            String lower = name == null ? "" : name.toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".cvd")) {
                return CVD;
            }
            if (lower.endsWith(".cld")) {
                return CLD;
            }
            if (lower.endsWith(".cud")) {
                return CUD;
            }
            return null;
        }
    }

    /**
     * Bounds on what one container may make us hold in memory.
     *
     * @param maxContainerBytes size of the container file itself
     * @param maxEntryBytes     size of one file inside (below 2 GiB: it is held in one array)
     * @param maxUnpackedBytes  the whole unpacked archive, tar headers and padding included
     */
    public record Limits(long maxContainerBytes, long maxEntryBytes, long maxUnpackedBytes) {
        /** Generous for the official databases (main.cvd unpacks to about 470 MB, its largest file 255 MB). */
        public static final Limits DEFAULT = new Limits(1L << 30, 1L << 30, 2L << 30);

        public Limits {
            if (maxContainerBytes < 0 || maxEntryBytes < 0 || maxUnpackedBytes < 0) {
                throw new IllegalArgumentException("limits must not be negative");
            }
            if (maxEntryBytes > Integer.MAX_VALUE - 8 || maxContainerBytes > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("a container and each of its files must fit in one array");
            }
        }
    }

    /** One database file inside the container, with its SHA-256 as the verified {@code .info} lists it. */
    public record Entry(String name, byte[] content, byte[] sha256) {
    }

    /**
     * The parsed 512-byte header. {@code md5} and {@code signature} are the raw fields ("X" in .cld/.cud files);
     * {@code buildTime} is the human-readable time as written ("22 Jun 2021 14-58 -0400").
     */
    public record Header(String buildTime, int version, int signatures, int functionalityLevel, String md5,
                         String signature, String builder, long buildTimeSeconds) {

        /** The build time as an instant, from the seconds field (the epoch when an old header lacks it). */
        public Instant buildInstant() {
            return Instant.ofEpochSecond(buildTimeSeconds);
        }
    }

    /** libclamav refuses a body shorter than the 7 bytes it sniffs for a plain tar starting with "COPYING". */
    private static final int MIN_BODY = 7;

    private final Kind kind;
    private final Header header;
    private final List<Entry> entries;

    private CvdContainer(Kind kind, Header header, List<Entry> entries) {
        this.kind = kind;
        this.header = header;
        this.entries = List.copyOf(entries);
    }

    /**
     * Reads and (with {@code verify}) checks a container: header signature, .info signature and every file's size
     * and SHA-256. A container that fails any check is refused with a DatabaseException saying which. Without
     * {@code verify} the two RSA signatures and the header MD5 are skipped; sizes and SHA-256 sums are still
     * checked against .info.
     */
    public static CvdContainer open(Path path, boolean verify) throws IOException, DatabaseException {
        return open(path, verify, Limits.DEFAULT);
    }

    /** As {@link #open(Path, boolean)}, with explicit memory limits. */
    public static CvdContainer open(Path path, boolean verify, Limits limits) throws IOException, DatabaseException {
        String file = path.toString();
        Kind kind = Kind.of(path);
        if (kind == null) {
            throw new DatabaseException(file, 0, "not a .cvd, .cld or .cud file");
        }
        long size = Files.size(path);
        if (size > limits.maxContainerBytes()) {
            throw new DatabaseException(file, 0, "container has " + size + " bytes, over the limit of "
                    + limits.maxContainerBytes() + " bytes");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            // Read one byte more than allowed so that a file growing under us is still caught.
            bytes = in.readNBytes((int) Math.min(limits.maxContainerBytes() + 1, Integer.MAX_VALUE - 8));
        }
        if (bytes.length > limits.maxContainerBytes()) {
            throw new DatabaseException(file, 0, "container is over the limit of " + limits.maxContainerBytes()
                    + " bytes");
        }
        return open(bytes, kind, file, verify, limits);
    }

    /**
     * Parses and checks a container held in memory; {@code file} names it in errors. The caller's array is not
     * modified or kept.
     */
    public static CvdContainer open(byte[] bytes, Kind kind, String file, boolean verify, Limits limits)
            throws DatabaseException {
        if (bytes.length > limits.maxContainerBytes()) {
            throw new DatabaseException(file, 0, "container has " + bytes.length + " bytes, over the limit of "
                    + limits.maxContainerBytes() + " bytes");
        }
        Header header = HeaderParser.parseBlock(bytes, file);
        int bodyLength = bytes.length - HeaderParser.HEADER_SIZE;
        if (bodyLength < MIN_BODY) {
            throw new DatabaseException(file, 0, "container is truncated: " + bodyLength
                    + " bytes after the header");
        }
        if (kind == Kind.CVD && verify) {
            verifyHeaderSignature(bytes, header, file);
        }
        List<TarReader.Member> members = unpack(bytes, file, limits);
        InfoFile.SignatureMode mode = kind == Kind.CUD ? InfoFile.SignatureMode.UNSIGNED
                : verify ? InfoFile.SignatureMode.VERIFY : InfoFile.SignatureMode.SKIP;
        return new CvdContainer(kind, header, checkedEntries(members, header, mode, file));
    }

    /** Reads only the 512-byte header, for example to report a database's version and age. */
    public static Header readHeader(Path path) throws IOException, DatabaseException {
        byte[] block;
        try (InputStream in = Files.newInputStream(path)) {
            block = in.readNBytes(HeaderParser.HEADER_SIZE);
        }
        return HeaderParser.parseBlock(block, path.toString());
    }

    public Kind kind() {
        return kind;
    }

    public Header header() {
        return header;
    }

    /** Database files in container order, COPYING and .info excluded. */
    public List<Entry> entries() {
        return entries;
    }

    private static void verifyHeaderSignature(byte[] bytes, Header header, String file) throws DatabaseException {
        MessageDigest md5 = ClamDsig.md5();
        md5.update(bytes, HeaderParser.HEADER_SIZE, bytes.length - HeaderParser.HEADER_SIZE);
        byte[] digest = md5.digest();
        String actual = HexFormat.of().formatHex(digest);
        if (!actual.equals(header.md5())) {
            throw new DatabaseException(file, 0, "MD5 of the container body is " + actual
                    + " but the header says " + Texts.quote(header.md5()) + "; the container is corrupt or altered");
        }
        if (!ClamDsig.verifyHeaderSignature(digest, header.signature())) {
            throw new DatabaseException(file, 0, "header digital signature does not verify");
        }
    }

    private static List<TarReader.Member> unpack(byte[] bytes, String file, Limits limits) throws DatabaseException {
        int offset = HeaderParser.HEADER_SIZE;
        InputStream body = new ByteArrayInputStream(bytes, offset, bytes.length - offset);
        // libclamav opens the body with zlib's gzdopen, which passes data without the gzip magic through
        // unchanged: so a plain tar loads whatever its first member is (the "COPYING" test only skips zlib).
        boolean compressed = (bytes[offset] & 0xFF) == 0x1F && (bytes[offset + 1] & 0xFF) == 0x8B;
        // Closing matters for gzip: it frees the inflater's native memory now rather than at some later GC.
        try (InputStream tar = compressed ? new GZIPInputStream(body, 64 * 1024) : body) {
            TarReader reader = new TarReader(tar, file, limits);
            List<TarReader.Member> members = new ArrayList<>();
            for (TarReader.Member member = reader.next(); member != null; member = reader.next()) {
                members.add(member);
            }
            return members;
        } catch (IOException e) {
            throw new DatabaseException(file, 0, "compressed body has a corrupt gzip header: " + e.getMessage(), e);
        }
    }

    private static List<Entry> checkedEntries(List<TarReader.Member> members, Header header,
                                              InfoFile.SignatureMode mode, String file) throws DatabaseException {
        TarReader.Member infoMember = null;
        for (TarReader.Member member : members) {
            if (member.name().toLowerCase(Locale.ROOT).endsWith(".info")) {
                infoMember = member;
                break;
            }
        }
        if (infoMember == null) {
            throw new DatabaseException(file, 0, "container has no .info file listing its database files");
        }
        InfoFile info = InfoFile.parse(infoMember.content(), infoMember.name(), file, mode);
        requireSameHeader(info.header(), header, infoMember.name(), file);

        MessageDigest sha = ClamDsig.sha256();
        List<Entry> entries = new ArrayList<>();
        for (TarReader.Member member : members) {
            String name = member.name();
            if (!DatabaseNames.isDatabase(name)) {
                continue;
            }
            InfoFile.Listing listing = info.files().get(name);
            if (listing == null) {
                throw new DatabaseException(file, 0, name + " is not listed in " + infoMember.name()
                        + "; the container was altered");
            }
            byte[] content = member.content();
            if (content.length != listing.size()) {
                throw new DatabaseException(file, 0, name + " has " + content.length + " bytes but "
                        + infoMember.name() + " lists " + listing.size());
            }
            if (!MessageDigest.isEqual(sha.digest(content), listing.sha256())) {
                throw new DatabaseException(file, 0, name + ": SHA-256 does not match " + infoMember.name()
                        + "; the file was altered");
            }
            entries.add(new Entry(name, content, listing.sha256().clone()));
        }
        return entries;
    }

    private static void requireSameHeader(Header info, Header container, String infoName, String file)
            throws DatabaseException {
        if (info.version() != container.version() || info.signatures() != container.signatures()
                || info.functionalityLevel() != container.functionalityLevel()
                || info.buildTimeSeconds() != container.buildTimeSeconds()) {
            throw new DatabaseException(file, 0, "header of " + infoName + " (" + describe(info)
                    + ") does not match the container header (" + describe(container) + ")");
        }
    }

    private static String describe(Header h) {
        return "version " + h.version() + ", " + h.signatures() + " signatures, level " + h.functionalityLevel()
                + ", built " + h.buildTimeSeconds();
    }
}
