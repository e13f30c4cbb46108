package dev.vigil.cli;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.cvd.CvdContainer;
import dev.vigil.updates.release.ReleaseSources;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code vigil update --clamav-mirror}: fetches ClamAV's signed {@code .cvd} containers from a plain ClamAV mirror
 * (a directory or an HTTP(S) URL), checks each one's RSA signatures and contents with the clamav module, refuses a
 * container older than the installed one, and installs the set atomically as {@code ROOT/current}. These files carry
 * no transparency-log proof: nobody can tell whether this mirror served everyone the same bytes, which the command
 * says every time.
 */
final class ClamAvMirrorUpdate {
    static final String NO_PROOF_WARNING = "WARNING: ClamAV .cvd files carry no transparency-log proof: their RSA "
            + "signature is checked, but nothing shows that every client received the same files";

    private ClamAvMirrorUpdate() {
    }

    static int run(String mirror, List<String> databases, Path root, Io io) {
        io.err().print(NO_PROOF_WARNING + "\n");
        CvdContainer.Limits limits = CvdContainer.Limits.DEFAULT;
        Path staging = null;
        try {
            Files.createDirectories(root);
            staging = Files.createTempDirectory(root, ".staging-cvd-");
            Path current = root.resolve("current");
            StringBuilder report = new StringBuilder();
            for (String db : databases) {
                if (!db.matches("[a-z0-9_-]{1,64}")) {
                    io.err().print("ERROR: invalid database name " + db + "\n");
                    return Main.USAGE_ERROR;
                }
                String name = db + ".cvd";
                byte[] bytes = fetch(mirror, name, io.cwd(), limits.maxContainerBytes());
                CvdContainer c;
                try {
                    c = CvdContainer.open(bytes, CvdContainer.Kind.CVD, name, true, limits);
                } catch (DatabaseException e) {
                    io.err().print("update refused: " + name + ": " + e.getMessage() + "\n");
                    return UpdateCommand.REFUSED;
                }
                Path installed = current.resolve(name);
                if (Files.isRegularFile(installed)) {
                    int old = installedVersion(installed);
                    if (c.header().version() < old) {
                        io.err().print("update refused: " + name + " version " + c.header().version()
                                + " is older than the installed version " + old + "\n");
                        return UpdateCommand.REFUSED;
                    }
                }
                Files.write(staging.resolve(name), bytes);
                report.append(name).append(" version ").append(c.header().version()).append(", ")
                        .append(c.header().signatures()).append(" signatures, built ").append(c.header().buildTime())
                        .append('\n');
            }
            Path releases = Files.createDirectories(root.resolve("releases"));
            Path target = releases.resolve("cvd-" + System.currentTimeMillis());
            move(staging, target);
            staging = null;
            Path link = root.resolve(".current-" + System.nanoTime());
            Files.createSymbolicLink(link, root.relativize(target));
            move(link, current);
            io.out().print(report);
            io.out().print("installed " + target + " (no transparency-log proof)\n");
            return 0;
        } catch (IOException e) {
            io.err().print("ERROR: update failed: " + e.getMessage() + "\n");
            return 1;
        } finally {
            if (staging != null) {
                deleteTree(staging);
            }
        }
    }

    /** The installed container's version; a damaged one (-1) may be replaced by any valid one. */
    private static int installedVersion(Path file) throws IOException {
        try {
            return CvdContainer.readHeader(file).version();
        } catch (DatabaseException e) {
            return -1;
        }
    }

    private static byte[] fetch(String mirror, String name, Path cwd, long max) throws IOException {
        if (ReleaseSources.isHttp(mirror)) {
            URI uri = URI.create(mirror.endsWith("/") ? mirror + name : mirror + "/" + name);
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30))
                    .followRedirects(HttpClient.Redirect.NEVER).build();
            HttpRequest req = HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).GET().build();
            try {
                HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
                try (InputStream in = r.body()) {
                    if (r.statusCode() != 200) {
                        throw new IOException(uri + ": HTTP " + r.statusCode());
                    }
                    return bounded(in, max, uri.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        Path p = ReleaseSources.localPath(mirror, cwd).resolve(name);
        try (InputStream in = Files.newInputStream(p)) {
            return bounded(in, max, p.toString());
        }
    }

    private static byte[] bounded(InputStream in, long max, String what) throws IOException {
        byte[] b = in.readNBytes((int) Math.min(max + 1, Integer.MAX_VALUE - 8));
        if (b.length > max) {
            throw new IOException(what + " is larger than " + max + " bytes");
        }
        return b;
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot rename atomically in " + to.getParent(), e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // best effort: the next run removes leftovers it recognises
        }
    }
}
