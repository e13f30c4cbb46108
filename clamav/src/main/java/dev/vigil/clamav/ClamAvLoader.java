package dev.vigil.clamav;

import dev.vigil.clamav.cvd.CvdContainer;
import dev.vigil.clamav.db.AuxiliaryDbReader;
import dev.vigil.clamav.db.BodyDbReader;
import dev.vigil.clamav.db.CdbReader;
import dev.vigil.clamav.db.DbFile;
import dev.vigil.clamav.db.DbLines;
import dev.vigil.clamav.db.FtmReader;
import dev.vigil.clamav.db.HashDbReader;
import dev.vigil.clamav.db.IgnoreDbReader;
import dev.vigil.clamav.db.IgnoreList;
import dev.vigil.clamav.db.LoadSession;
import dev.vigil.clamav.db.SignatureNames;
import dev.vigil.clamav.ldb.LdbParser;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.hash.HashSegment;
import dev.vigil.engine.ir.LogicalSignature;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Loads ClamAV databases into an {@link EngineBuilder}: single files by extension, {@code .cvd/.cld/.cud}
 * containers, and directories in the order {@code clamscan -d DIR} uses.
 *
 * <p>One loader keeps its ignore lists ({@code .ign}/{@code .ign2}) across calls, so that loading several paths in
 * turn behaves like several {@code -d} options of one clamscan run: an ignore list affects what is loaded after it.
 */
public final class ClamAvLoader {
    /** Extensions clamscan picks up in a directory ({@code CLI_DBEXT}); anything else there is ignored. */
    private static final List<String> DIRECTORY_EXTENSIONS = List.of(".db", ".hdb", ".hdu", ".fp", ".mdb", ".mdu",
            ".hsb", ".hsu", ".sfp", ".msb", ".msu", ".ndb", ".ndu", ".ldb", ".ldu", ".sdb", ".zmd", ".rmd", ".pdb",
            ".gdb", ".wdb", ".cbc", ".ftm", ".cfg", ".cvd", ".cld", ".cud", ".cdb", ".cat", ".crb", ".idb", ".ioc",
            ".yar", ".yara", ".pwdb", ".ign", ".ign2", ".imp");

    private final LoadOptions options;
    private LoadSession session;
    private Runnable afterEachDatabase = () -> { };
    /** The previous load's segments when this loader keeps segments ({@link #reuseHashSegments}), else null. */
    private HashSegmentCache previousSegments;
    private final Map<String, HashSegmentCache.Entry> segments = new LinkedHashMap<>();
    private int reusedFiles;
    private int parsedFiles;

    public ClamAvLoader(LoadOptions options) {
        this.options = options;
    }

    /**
     * Runs {@code hook} after each database is read (each file, and each file inside a container). A long-running
     * process uses it to collect one database's parsing garbage before the next is read, which lowers the memory
     * peak of a reload beside a database in service.
     */
    public ClamAvLoader afterEachDatabase(Runnable hook) {
        this.afterEachDatabase = java.util.Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * Makes this loader keep the hash segment of each hash database file it reads ({@link #hashSegments()}) and take
     * over, instead of parsing a file, the segment {@code previous} holds for it when the file's content, name and
     * load options are unchanged and the ignore lists loaded so far drop the same signatures from it. A process that
     * reloads a database keeps the result for its next reload; pass {@link HashSegmentCache#EMPTY} the first time.
     * Costs one SHA-256 pass over each plain hash database file (container members come with a verified one).
     */
    public ClamAvLoader reuseHashSegments(HashSegmentCache previous) {
        this.previousSegments = java.util.Objects.requireNonNull(previous, "previous");
        return this;
    }

    /** The segments of the hash database files loaded so far (empty unless {@link #reuseHashSegments} was called). */
    public HashSegmentCache hashSegments() {
        return new HashSegmentCache(segments, reusedFiles, parsedFiles);
    }

    /**
     * Loads a file or directory. Returns the number of detection signatures added (clamscan's "Known viruses"
     * counts these, and also the icon, phishing-domain and container-metadata entries that Vigil reads but does not
     * use yet).
     *
     * @throws DatabaseException for a malformed database (names file and line), as ClamAV refuses to load it
     */
    public int load(Path fileOrDirectory, EngineBuilder into) throws IOException, DatabaseException {
        if (session == null || session.builder() != into) {
            session = new LoadSession(options, into);
        }
        int before = session.signatures();
        if (Files.isDirectory(fileOrDirectory)) {
            loadDirectory(fileOrDirectory);
        } else {
            loadFile(fileOrDirectory);
        }
        return session.signatures() - before;
    }

    /**
     * Loads one database held in memory; {@code fileName}'s extension selects the format, as for a file. Containers
     * ({@code .cvd/.cld/.cud}) need a path: use {@link #load(Path, EngineBuilder)}.
     */
    public int loadContent(String fileName, byte[] content, EngineBuilder into) throws DatabaseException {
        if (session == null || session.builder() != into) {
            session = new LoadSession(options, into);
        }
        int before = session.signatures();
        loadDatabase(new DbFile(fileName, fileName, content, false, false));
        return session.signatures() - before;
    }

    private void loadDirectory(Path dir) throws IOException, DatabaseException {
        List<Path> files = databaseFiles(dir).stream()
                .sorted(Comparator.comparingInt(ClamAvLoader::priority).thenComparing(p -> p.getFileName().toString()))
                .toList();
        if (files.isEmpty()) {
            throw new DatabaseException(dir.toString(), 0, "no supported database files found");
        }
        Path dailyCld = null;
        Path dailyCvd = null;
        for (Path p : files) {
            String n = p.getFileName().toString();
            if (n.equals("daily.cld")) {
                dailyCld = p;
            } else if (n.equals("daily.cvd")) {
                dailyCvd = p;
            }
        }
        Path skip = null;
        if (dailyCld != null && dailyCvd != null) {
            // clamscan loads only the newer of the two (the .cld when they are equal)
            int cld = CvdContainer.readHeader(dailyCld).version();
            int cvd = CvdContainer.readHeader(dailyCvd).version();
            skip = cld < cvd ? dailyCld : dailyCvd;
        }
        for (Path p : files) {
            if (!p.equals(skip)) {
                loadFile(p);
            }
        }
    }

    /** The regular files of {@code dir} that a directory load reads, in no particular order. */
    static List<Path> databaseFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isRegularFile(p) && isDatabaseName(p.getFileName().toString())).toList();
        }
    }

    static boolean isDatabaseName(String name) {
        for (String ext : DIRECTORY_EXTENSIONS) {
            if (DbFile.endsWithIgnoreCase(name, ext)) {
                return true;
            }
        }
        return false;
    }

    /** clamscan's load order within a directory: ignore lists, daily, local.gdb, daily.cfg, .crb, the rest. */
    private static int priority(Path p) {
        String n = p.getFileName().toString();
        if (DbFile.endsWithIgnoreCase(n, ".ign") || DbFile.endsWithIgnoreCase(n, ".ign2")) {
            return 1;
        }
        return switch (n) {
            case "daily.cld" -> 2;
            case "daily.cvd" -> 3;
            case "local.gdb" -> 4;
            case "daily.cfg" -> 5;
            default -> DbFile.endsWithIgnoreCase(n, ".crb") ? 6 : 7;
        };
    }

    private void loadFile(Path path) throws IOException, DatabaseException {
        String name = path.getFileName().toString();
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".cvd") || lower.endsWith(".cld") || lower.endsWith(".cud")) {
            loadContainer(path, !lower.endsWith(".cud"));
            return;
        }
        if (streamed(name)) {
            // Hash, body and logical databases reach tens of megabytes: their readers stream the file.
            try {
                if (hashMode(name) != null) {
                    loadHashDatabase(DbFile.ofPath(path), null);
                } else {
                    loadDatabase(DbFile.ofPath(path));
                }
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        } else {
            loadDatabase(new DbFile(path.toString(), name, Files.readAllBytes(path), false, false));
        }
        session.builder().source(path.toString());
    }

    /** Whether {@link #loadDatabase} sends a file of this name to a reader that streams its lines. */
    private boolean streamed(String name) {
        for (String ext : options.detectPua() ? STREAMED_PUA : STREAMED) {
            if (DbFile.endsWithIgnoreCase(name, ext)) {
                return true;
            }
        }
        return false;
    }

    private static final List<String> STREAMED = List.of(".hdb", ".hsb", ".fp", ".sfp", ".mdb", ".msb", ".imp",
            ".ndb", ".sdb", ".ldb");
    private static final List<String> STREAMED_PUA = List.of(".hdb", ".hsb", ".fp", ".sfp", ".mdb", ".msb", ".imp",
            ".ndb", ".sdb", ".ldb", ".hdu", ".hsu", ".mdu", ".msu", ".ndu", ".ldu");

    private void loadContainer(Path path, boolean signed) throws IOException, DatabaseException {
        CvdContainer container = CvdContainer.open(path, options.verifySigned() && signed);
        if (signed && supersededByTwin(path, container.header().version())) {
            return;
        }
        for (CvdContainer.Entry e : container.entries()) {
            DbFile f = new DbFile(path + ":" + e.name(), e.name(), e.content(), signed, true);
            if (hashMode(e.name()) != null) {
                loadHashDatabase(f, e.sha256());
            } else {
                loadDatabase(f);
            }
        }
        CvdContainer.Header h = container.header();
        session.builder().source(path.getFileName() + " version " + h.version() + ", " + h.signatures()
                + " signatures, built " + h.buildTime());
    }

    /**
     * ClamAV skips {@code x.cvd} when {@code x.cld} beside it is as new or newer, and {@code x.cld} when
     * {@code x.cvd} is newer (the twin is checked as ClamAV checks it, so a broken twin fails the load).
     */
    private boolean supersededByTwin(Path path, int version) throws IOException, DatabaseException {
        String name = path.getFileName().toString();
        boolean isCld = DbFile.endsWithIgnoreCase(name, ".cld");
        char[] twin = name.toCharArray();
        twin[twin.length - 2] = isCld ? 'v' : 'l';
        Path other = path.resolveSibling(new String(twin));
        if (!Files.isReadable(other) || Files.isDirectory(other)) {
            return false;
        }
        int otherVersion = CvdContainer.open(other, isCld && options.verifySigned()).header().version();
        return otherVersion > version || (otherVersion == version && !isCld);
    }

    private void loadDatabase(DbFile f) throws DatabaseException {
        readDatabase(f);
        afterEachDatabase.run();
    }

    /**
     * A hash database file: its signatures form one hash segment of their own, taken over from the previous load
     * when {@link #reuseHashSegments} allows. {@code sha256} is the verified digest of a container member, or null
     * for a plain file (read from {@code f.source()}).
     */
    private void loadHashDatabase(DbFile f, byte[] sha256) throws IOException, DatabaseException {
        EngineBuilder builder = session.builder();
        if (previousSegments == null) {
            builder.beginHashSegment();
            readDatabase(f);
            builder.endHashSegment();
            afterEachDatabase.run();
            return;
        }
        // The content digest is only worth a pass over the file when the previous load had a file of this name.
        String key = null;
        HashSegmentCache.Entry old = null;
        if (previousSegments.hasFile(segmentKeyPrefix(f))) {
            key = segmentKey(f, sha256 != null ? sha256 : sha256(f.source()));
            old = previousSegments.find(key);
        }
        if (old != null && reusable(old)) {
            builder.addHashSegment(old.segment());
            session.counted(old.counted());
            segments.put(key, old);
            reusedFiles++;
            afterEachDatabase.run();
            return;
        }
        // A plain file is digested as it is parsed, so the key names exactly the bytes the segment came from.
        MessageDigest readDigest = sha256 == null ? newSha256() : null;
        DbFile toRead = readDigest == null ? f : DbFile.ofPath(f.source(), readDigest);
        int countedBefore = session.signatures();
        session.ignored().startRecording();
        Set<String> ignoresUsed;
        builder.beginHashSegment();
        try {
            readDatabase(toRead);
        } finally {
            ignoresUsed = session.ignored().stopRecording();
        }
        HashSegment segment = builder.endHashSegment();
        key = segmentKey(f, readDigest != null ? readDigest.digest() : sha256);
        segments.put(key, new HashSegmentCache.Entry(segment, ignoresUsed, session.signatures() - countedBefore));
        parsedFiles++;
        afterEachDatabase.run();
    }

    /** What the signatures of a hash database file depend on besides the ignore lists. */
    private String segmentKey(DbFile f, byte[] sha256) {
        return segmentKeyPrefix(f) + HexFormat.of().formatHex(sha256);
    }

    /** The part of {@link #segmentKey} before the content digest. */
    private String segmentKeyPrefix(DbFile f) {
        return options + "\n" + f.fileName() + "\n" + (f.official() ? "official" : "unofficial")
                + (f.fromContainer() ? " container member" : " plain file") + "\n";
    }

    /**
     * Whether a segment built before still holds what reading its file now would: every ignore entry that dropped a
     * signature from it is still there, and no other entry now in force names one of its signatures (compared on a
     * coarsened key, {@link IgnoreList#nameKeyHash}, so that a doubtful case is parsed again).
     */
    private boolean reusable(HashSegmentCache.Entry entry) {
        IgnoreList ignored = session.ignored();
        if (!ignored.containsAll(entry.ignoresUsed())) {
            return false;
        }
        long[] others = ignored.nameKeyHashesExcept(entry.ignoresUsed());
        return others.length == 0 || !entry.segment().anyName(
                (bytes, from, length) -> Arrays.binarySearch(others, IgnoreList.nameKeyHash(bytes, from, length)) >= 0);
    }

    private static byte[] sha256(Path file) throws IOException {
        MessageDigest sha = newSha256();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha.update(buffer, 0, n);
            }
        }
        return sha.digest();
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is a required JDK algorithm", e);
        }
    }

    /** The hash reader mode for a database of this name, or null when it is no hash database (or a PUA one unread). */
    private HashDbReader.Mode hashMode(String name) {
        boolean pua = options.detectPua();
        if (DbFile.endsWithIgnoreCase(name, ".db")) {
            return null;
        } else if (DbFile.endsWithIgnoreCase(name, ".hdb") || DbFile.endsWithIgnoreCase(name, ".hsb")
                || (pua && (DbFile.endsWithIgnoreCase(name, ".hdu") || DbFile.endsWithIgnoreCase(name, ".hsu")))) {
            return HashDbReader.Mode.FILE;
        } else if (DbFile.endsWithIgnoreCase(name, ".fp") || DbFile.endsWithIgnoreCase(name, ".sfp")) {
            return HashDbReader.Mode.ALLOW;
        } else if (DbFile.endsWithIgnoreCase(name, ".mdb") || DbFile.endsWithIgnoreCase(name, ".msb")
                || (pua && (DbFile.endsWithIgnoreCase(name, ".mdu") || DbFile.endsWithIgnoreCase(name, ".msu")))) {
            return HashDbReader.Mode.SECTION;
        } else if (DbFile.endsWithIgnoreCase(name, ".imp")) {
            return HashDbReader.Mode.IMPORTS;
        }
        return null;
    }

    /** Dispatches on the extension in clamscan's order of tests. */
    private void readDatabase(DbFile f) throws DatabaseException {
        HashDbReader.Mode hashMode = hashMode(f.fileName());
        if (f.hasSuffix(".db")) {
            BodyDbReader.readLegacyDb(f, session);
        } else if (hashMode != null) {
            HashDbReader.read(f, hashMode, session);
        } else if (f.hasSuffix(".ndb") || f.hasSuffix(".sdb") || (options.detectPua() && f.hasSuffix(".ndu"))) {
            BodyDbReader.readNdb(f, session);
        } else if (f.hasSuffix(".ldb") || (options.detectPua() && f.hasSuffix(".ldu"))) {
            readLdb(f);
        } else if (f.hasSuffix(".ftm")) {
            FtmReader.read(f, session);
        } else if (f.hasSuffix(".ign") || f.hasSuffix(".ign2")) {
            IgnoreDbReader.read(f, session);
        } else if (f.hasSuffix(".cdb")) {
            CdbReader.read(f, session);
        } else {
            // PUA files without detectPua, unknown extensions, and the formats Vigil does not use yet
            AuxiliaryDbReader.read(f, session);
        }
    }

    private void readLdb(DbFile f) throws DatabaseException {
        try (DbLines lines = f.lines(DbLines.LDB_BUFFER)) {
            readLdb(f, lines);
        }
    }

    private void readLdb(DbFile f, DbLines lines) throws DatabaseException {
        byte[] b = lines.data();
        int loaded = 0;
        while (lines.next()) {
            if (lines.isComment()) {
                continue;
            }
            String line = lines.text();
            try {
                String rawName = ldbName(line);
                if (rawName != null && session.ignored().ignores(rawName, b, lines.start(), lines.end())) {
                    continue;
                }
                String name = SignatureNames.display(rawName == null ? line : rawName, f.official());
                LogicalSignature sig = LdbParser.parse(line, name, options);
                if (sig != null) {
                    session.builder().add(sig);
                    loaded++;
                }
            } catch (SignatureSyntaxException e) {
                throw new DatabaseException(f.displayName(), lines.number(), e.getMessage());
            } catch (RuntimeException e) {
                throw new DatabaseException(f.displayName(), lines.number(), "unparsable logical signature", e);
            }
        }
        if (lines.number() == 0) {
            throw new DatabaseException(f.displayName(), 0, "empty database file");
        }
        session.counted(loaded);
    }

    /** The name of a logical signature, or null when the line has fewer than four ';'-separated fields. */
    private static String ldbName(String line) {
        int first = line.indexOf(';');
        int separators = 0;
        for (int i = 0; i < line.length() && separators < 3; i++) {
            if (line.charAt(i) == ';') {
                separators++;
            }
        }
        return separators < 3 ? null : line.substring(0, first);
    }
}
