package dev.vigil.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/**
 * Lines of .hsb (SHA-256), .hdb (MD5) and .mdb (PE section MD5, size first) files. Digests are random, as real
 * ones are to any observer; sizes follow a log-uniform spread like the official files' (small droppers to large
 * installers), so that many scanned files share a size with some signature and get hashed, as in real life.
 */
final class HashSignatureFactory {
    private static final HexFormat HEX = HexFormat.of();
    private static final long MIN_FILE_SIZE = 1 << 10;
    private static final long MAX_FILE_SIZE = 32L << 20;

    private final SplittableRandom random;
    private final SignatureNames names;

    HashSignatureFactory(SplittableRandom random, SignatureNames names) {
        this.random = random;
        this.names = names;
    }

    String hsbLine() {
        return digest(32) + ":" + fileSize() + ":" + names.next(hashTarget());
    }

    String hdbLine() {
        return digest(16) + ":" + fileSize() + ":" + names.next(hashTarget());
    }

    String mdbLine() {
        // Raw section sizes are multiples of the PE file alignment (512).
        long sections = (long) Math.exp(random.nextDouble() * Math.log(8192));
        return (512 * Math.max(1, sections)) + ":" + digest(16) + ":" + names.next(1);
    }

    /** A line for a real file, so that a corpus containing it has a hash detection. */
    String plantedLine(Path file, boolean sha256) throws IOException {
        long size = Files.size(file);
        String digest = digestOf(file, sha256 ? "SHA-256" : "MD5");
        return digest + ":" + size + ":" + names.next(6).replaceFirst("^[A-Za-z]+\\.", "Unix.");
    }

    private int hashTarget() {
        // Most official hash signatures are for Windows executables.
        return random.nextInt(10) < 7 ? 1 : random.nextInt(13);
    }

    private long fileSize() {
        double lo = Math.log(MIN_FILE_SIZE);
        double hi = Math.log(MAX_FILE_SIZE);
        return (long) Math.exp(lo + random.nextDouble() * (hi - lo));
    }

    private String digest(int bytes) {
        byte[] b = new byte[bytes];
        random.nextBytes(b);
        return HEX.formatHex(b);
    }

    static String digestOf(Path file, String algorithm) throws IOException {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm);
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[1 << 16];
                int n;
                while ((n = in.read(buf)) > 0) {
                    md.update(buf, 0, n);
                }
            }
            return HEX.formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
