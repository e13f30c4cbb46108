package dev.vigil.unpack.archive;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * libarchive's RAR test archives (RAR 1.5-4.x, RAR5, self-extractors, multi-volume parts, damaged ones), taken at
 * test time from libarchive 3.6.2's source tarball as Debian's archive serves it: downloaded once into
 * {@code target/}, checked against its SHA-256, and the uuencoded {@code .rar.uu}/{@code .exe.uu} files decoded in
 * memory. Nothing of it is committed. Without network access the tests that need it skip, unless
 * {@code -Dvigil.requireOracles=true}, when they fail.
 */
public final class LibarchiveRarSamples {
    static final URI TARBALL = URI.create(
            "https://deb.debian.org/debian/pool/main/liba/libarchive/libarchive_3.6.2.orig.tar.xz");
    static final String SHA256 = "9e2c1b80d5fbe59b61308fdfab6c79b5021d7ff4ff2489fb12daf0a96a83551d";
    private static final Path CACHE = Path.of("target", "libarchive", "libarchive_3.6.2.orig.tar.xz");
    /** The RAR archives among libarchive's test files: RAR5, RAR 1.5-4.x, their SFX and volume sets. */
    private static final Pattern RAR = Pattern.compile(".*/libarchive/test/(test_[a-z0-9_.]*rar[a-z0-9_.]*)\\.uu");
    private static Map<String, byte[]> samples;

    private LibarchiveRarSamples() {
    }

    /** File name (without {@code .uu}) to decoded bytes, sorted by name. */
    public static synchronized Map<String, byte[]> all() throws IOException {
        if (samples == null) {
            Path tarball = tarball();
            Map<String, byte[]> found = new TreeMap<>();
            try (InputStream in = Files.newInputStream(tarball);
                 TarArchiveInputStream tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    var m = RAR.matcher(e.getName());
                    if (e.isFile() && m.matches()) {
                        found.put(m.group(1), uudecode(new String(tar.readAllBytes(), StandardCharsets.US_ASCII)));
                    }
                }
            }
            samples = found;
        }
        return samples;
    }

    private static Path tarball() throws IOException {
        if (Files.isRegularFile(CACHE) && SHA256.equals(sha256(Files.readAllBytes(CACHE)))) {
            return CACHE;
        }
        byte[] body;
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(15))
                .followRedirects(HttpClient.Redirect.NORMAL).build()) {
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(TARBALL).timeout(Duration.ofSeconds(120))
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                throw new IOException(TARBALL + ": HTTP " + r.statusCode());
            }
            body = r.body();
        } catch (IOException e) {
            return offline(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return offline("interrupted");
        }
        String got = sha256(body);
        if (!SHA256.equals(got)) {
            throw new IOException(TARBALL + " has SHA-256 " + got + ", expected " + SHA256);
        }
        Files.createDirectories(CACHE.getParent());
        Path part = Files.createTempFile(CACHE.getParent(), "download", ".part");
        Files.write(part, body);
        Files.move(part, CACHE, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return CACHE;
    }

    private static Path offline(String why) {
        if (Boolean.getBoolean("vigil.requireOracles")) {
            throw new AssertionError("libarchive's test archives are required (-Dvigil.requireOracles=true) but "
                    + TARBALL + " could not be fetched: " + why);
        }
        Assumptions.abort("libarchive's test archives could not be fetched: " + why);
        throw new AssertionError("unreachable");
    }

    /** Decodes the first uuencoded file in {@code text} (the {@code begin ... end} block). */
    static byte[] uudecode(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        boolean inside = false;
        for (String line : text.split("\r?\n")) {
            if (!inside) {
                inside = line.startsWith("begin ");
                continue;
            }
            if (line.equals("end")) {
                return out.toByteArray();
            }
            if (line.isEmpty()) {
                continue;
            }
            int length = (line.charAt(0) - 32) & 63;
            int written = 0;
            for (int i = 1; written < length; i += 4) {
                int quad = 0;
                for (int k = 0; k < 4; k++) {
                    char c = i + k < line.length() ? line.charAt(i + k) : '`';
                    quad = (quad << 6) | ((c - 32) & 63);
                }
                for (int k = 2; k >= 0 && written < length; k--) {
                    out.write((quad >>> (8 * k)) & 0xff);
                    written++;
                }
            }
        }
        throw new IOException("uuencoded data without its end line");
    }

    /** The first file block of a RAR5 archive: its compression information and packed data. */
    public record PackedEntry(String name, long compressionInfo, long unpackedSize, byte[] packed) {
    }

    /** Reads the first file block of {@code rar} (a well-formed RAR5 archive; headers are trusted here). */
    public static PackedEntry firstRar5File(byte[] rar) {
        int[] pos = {8};
        while (pos[0] < rar.length) {
            int blockStart = pos[0];
            pos[0] += 4;
            long headerSize = vint(rar, pos);
            int headerStart = pos[0];
            long type = vint(rar, pos);
            long flags = vint(rar, pos);
            if ((flags & 1) != 0) {
                vint(rar, pos);
            }
            long dataSize = (flags & 2) != 0 ? vint(rar, pos) : 0;
            int dataStart = (int) (headerStart + headerSize);
            if (type == 2) {
                long fileFlags = vint(rar, pos);
                long unpacked = vint(rar, pos);
                vint(rar, pos);
                if ((fileFlags & 2) != 0) {
                    pos[0] += 4;
                }
                if ((fileFlags & 4) != 0) {
                    pos[0] += 4;
                }
                long compression = vint(rar, pos);
                vint(rar, pos);
                int nameLength = (int) vint(rar, pos);
                String name = new String(rar, pos[0], nameLength, StandardCharsets.UTF_8);
                return new PackedEntry(name, compression, unpacked,
                        java.util.Arrays.copyOfRange(rar, dataStart, (int) (dataStart + dataSize)));
            }
            pos[0] = (int) (dataStart + dataSize);
            if (pos[0] <= blockStart) {
                break;
            }
        }
        throw new IllegalArgumentException("no RAR5 file block");
    }

    private static long vint(byte[] b, int[] pos) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            int x = b[pos[0]++] & 0xff;
            v |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                return v;
            }
        }
    }

    public static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
