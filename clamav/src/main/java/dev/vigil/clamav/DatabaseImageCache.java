package dev.vigil.clamav;

import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineImage;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The engine image of a database directory, stored inside it: {@code vigil compile -d DIR} writes
 * {@code DIR/vigil-engine-<key>.vimg}, and a later {@code -d DIR} load reads that image instead of parsing and
 * compiling the databases, as long as the directory still holds exactly the files it was compiled from.
 *
 * <p>The key is a SHA-256 over the load options and, for every file the loader would read from the directory, its
 * name, size, change time and modification time. Any replaced, added, removed or touched database file, or other
 * options, gives another key, so a stale image is never used: the load falls back to the databases themselves. The
 * file metadata is compared, not the content, because hashing hundreds of megabytes would cost more than the image
 * saves; whoever can forge a database file's metadata can as well replace the image, which is exactly as trusted as
 * the databases beside it.
 */
public final class DatabaseImageCache {
    private static final String PREFIX = "vigil-engine-";
    private static final String SUFFIX = ".vimg";

    private DatabaseImageCache() {
    }

    /** Why a directory has no usable image key. */
    public static final class NotCacheable extends Exception {
        NotCacheable(String message) {
            super(message);
        }
    }

    /**
     * The key of {@code dir}'s current database files under {@code options}.
     *
     * @throws NotCacheable when the directory holds YARA rules (an image cannot hold them) or no database file
     */
    public static String key(Path dir, LoadOptions options) throws IOException, NotCacheable {
        List<Path> files = new ArrayList<>(ClamAvLoader.databaseFiles(dir));
        for (Path p : files) {
            String lower = p.getFileName().toString().toLowerCase(Locale.ROOT);
            if (lower.endsWith(".yar") || lower.endsWith(".yara")) {
                throw new NotCacheable(dir + " holds YARA rules, which an engine image cannot hold");
            }
        }
        if (files.isEmpty()) {
            throw new NotCacheable(dir + " holds no database files");
        }
        files.sort((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()));
        MessageDigest sha = ClamAvLoader.newSha256();
        update(sha, "vigil database directory image 1\n" + options + "\n");
        for (Path p : files) {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            update(sha, p.getFileName() + "\0" + a.size() + "\0" + a.lastModifiedTime().toInstant() + "\0"
                    + changeTime(p) + "\0" + a.fileKey() + "\n");
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    /** The image {@code dir} holds for its current files, if any. */
    public static Optional<Path> find(Path dir, LoadOptions options) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        Path image;
        try {
            image = imagePath(dir, key(dir, options));
        } catch (NotCacheable e) {
            return Optional.empty();
        }
        return Files.isRegularFile(image, LinkOption.NOFOLLOW_LINKS) ? Optional.of(image) : Optional.empty();
    }

    public static Path imagePath(Path dir, String key) {
        return dir.resolve(PREFIX + key + SUFFIX);
    }

    /**
     * Stores {@code engine}, compiled from {@code dir} while its key was {@code keyBefore}, as the directory's image,
     * and removes the images of earlier contents. Refuses when the files changed during the compile.
     */
    public static Path write(Path dir, LoadOptions options, String keyBefore, Engine engine, long knownSignatures)
            throws IOException, NotCacheable {
        if (!key(dir, options).equals(keyBefore)) {
            throw new NotCacheable("the databases in " + dir + " changed while they were compiled; compile again");
        }
        Path image = imagePath(dir, keyBefore);
        EngineImage.write(engine, knownSignatures, image);
        sharePermissionsOf(dir, image);
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
            for (Path p : s) {
                if (!p.equals(image) && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return image;
    }

    /**
     * Gives the image the permissions of a database file beside it, so that whoever may read the databases (a daemon
     * running as another user) may read the image too; the image is written private first.
     */
    private static void sharePermissionsOf(Path dir, Path image) throws IOException {
        List<Path> files = ClamAvLoader.databaseFiles(dir);
        if (files.isEmpty()) {
            return;
        }
        try {
            Files.setPosixFilePermissions(image, Files.getPosixFilePermissions(files.get(0)));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: the platform's default permissions stay
        }
    }

    private static Object changeTime(Path p) {
        try {
            return Files.getAttribute(p, "unix:ctime");
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            return "-";   // not a Unix file system: size and modification time must do
        }
    }

    private static void update(MessageDigest sha, String s) {
        sha.update(s.getBytes(StandardCharsets.UTF_8));
    }
}
