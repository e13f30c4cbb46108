package dev.vigil.updates.release;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * Installs releases under a root directory: artifacts are verified into a private staging directory, which is renamed
 * into {@code releases/}, and then the {@code current} symbolic link is replaced atomically. Until that last rename
 * the installed database is untouched; a refused release only leaves a staging directory that is removed.
 */
public final class Installer {
    public static final String CURRENT = "current";
    private final Path root;

    public Installer(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The installed release's directory, or null when nothing is installed. */
    public Path current() throws IOException {
        Path link = root.resolve(CURRENT);
        if (!Files.isSymbolicLink(link)) {
            return null;
        }
        return root.resolve(Files.readSymbolicLink(link)).normalize();
    }

    /** A staging directory for one release. */
    public final class Staging implements AutoCloseable {
        private final Path dir;
        private boolean committed;

        private Staging(Path dir) {
            this.dir = dir;
        }

        /** Copies one artifact into staging, checking size and hash with reads bounded by the declared size. */
        void add(ReleaseManifest.Artifact a, InputStream in) throws IOException, ArtifactFiles.Mismatch {
            Path target = dir.resolve(a.name());
            if (!target.getParent().equals(dir)) {
                throw new IllegalArgumentException("unsafe artifact name " + a.name());
            }
            try (OutputStream out = Files.newOutputStream(target)) {
                ArtifactFiles.copyChecked(in, out, a);
            }
            ArtifactFiles.fsync(target);
        }

        /** Moves the staged release into place and switches {@code current} to it. */
        Path commit(ReleaseManifest m) throws IOException {
            ArtifactFiles.fsyncDirectory(dir);
            Path releases = root.resolve("releases");
            Files.createDirectories(releases);
            String name = m.version() + "-" + HexFormat.of().formatHex(m.hash()).substring(0, 16);
            Path target = releases.resolve(name);
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                deleteTree(target); // a crash after this rename but before the state was saved
            }
            ArtifactFiles.moveAtomically(dir, target);
            ArtifactFiles.fsyncDirectory(releases);
            Path previous = current();
            Path link = root.resolve(".current-" + System.nanoTime());
            Files.createSymbolicLink(link, root.relativize(target));
            ArtifactFiles.moveAtomically(link, root.resolve(CURRENT));
            ArtifactFiles.fsyncDirectory(root);
            committed = true;
            pruneExcept(target, previous);
            return target;
        }

        @Override
        public void close() throws IOException {
            if (!committed) {
                deleteTree(dir);
            }
        }
    }

    /** A fresh staging directory; leftovers of an update that crashed are removed first. */
    Staging stage() throws IOException {
        Files.createDirectories(root);
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString();
                if (name.startsWith(".staging-") || name.startsWith(".current-")) {
                    deleteTree(p);
                }
            }
        }
        return new Staging(Files.createTempDirectory(root, ".staging-"));
    }

    /** Keeps the new release and the one before it (for a manual rollback); older ones go. */
    private void pruneExcept(Path keep, Path previous) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve("releases"))) {
            for (Path p : s.toList()) {
                if (!p.equals(keep) && !p.equals(previous)) {
                    deleteTree(p);
                }
            }
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
