package dev.vigil.difftest.gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

/**
 * Hash signatures (MD5, SHA-1, SHA-256; exact size, wrong size, size {@code *}), FLEVEL-skipped lines, the
 * allow-lists {@code .fp}/{@code .sfp}, legacy {@code .db}, and {@code .ign2}/{@code .ign} entries loaded before
 * (effective) and after (ineffective) the signatures they name. Databases load in name order.
 */
public final class HashAndIgnoreCaseGenerator implements CaseGenerator {
    private static final String MARKER = "VIGIL-BODY-MARKER";

    @Override
    public String name() {
        return "gen-clamav-hash-ignore";
    }

    @Override
    public void generate(Path caseDir) throws IOException {
        Random random = new Random(20261123);
        byte[] a = bytes(random, 1000);
        byte[] b = bytes(random, 2000);
        byte[] c = "plain text input for a wildcard-size hash\n".getBytes(StandardCharsets.US_ASCII);
        byte[] d = concat(bytes(random, 100), MARKER.getBytes(StandardCharsets.US_ASCII), bytes(random, 100));
        byte[] e = concat(a, new byte[] {1});
        byte[] f = concat(bytes(random, 50), MARKER.getBytes(StandardCharsets.US_ASCII));
        byte[] g = bytes(random, 300);
        byte[] h = bytes(random, 400);
        byte[] i = bytes(random, 500);

        Path in = Files.createDirectories(caseDir.resolve("inputs"));
        Files.write(in.resolve("a.bin"), a);
        Files.write(in.resolve("b.bin"), b);
        Files.write(in.resolve("c.txt"), c);
        Files.write(in.resolve("d.bin"), d);
        Files.write(in.resolve("e-a-plus-one.bin"), e);
        Files.write(in.resolve("f-allowed-by-md5.bin"), f);
        Files.write(in.resolve("g-allowed-by-sha256.bin"), g);
        Files.write(in.resolve("h.bin"), h);
        Files.write(in.resolve("i.bin"), i);

        String ignoredByLine = hex("MD5", h) + ":" + h.length + ":Vigil.Hash.IgnoredByLine";
        String keptWrongLine = hex("MD5", i) + ":" + i.length + ":Vigil.Hash.IgnoreWrongLine";
        write(caseDir, "00-first.ign2", "# ignore lists only affect what loads after them\n"
                + "Vigil.Hash.IgnoredByName\n"
                + "Vigil.Hash.IgnoredByLine:" + hex("MD5", ignoredByLine.getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "Vigil.Hash.IgnoreWrongLine:" + hex("MD5", "something else".getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "Vigil.Body.IgnoredNdb\n");
        write(caseDir, "01-legacy.ign", "10-hashes.hdb:9:Vigil.Hash.IgnoredLegacy\n");
        write(caseDir, "10-hashes.hdb", "# MD5 signatures\n"
                + hex("MD5", a) + ":" + a.length + ":Vigil.Hash.Md5Exact\n"
                + hex("MD5", b) + ":" + (b.length + 1) + ":Vigil.Hash.Md5WrongSize\n"
                + hex("MD5", c).toUpperCase() + ":*:Vigil.Hash.Md5AnySize (Clam):73\n"
                + hex("MD5", a) + ":" + a.length + ":Vigil.Hash.IgnoredByName\n"
                + ignoredByLine + "\n"
                + keptWrongLine + "\n"
                + hex("MD5", b) + ":" + b.length + ":Vigil.Hash.TooNew:999\n"
                + hex("MD5", b) + ":" + b.length + ":Vigil.Hash.TooOld:1:20\n"
                + hex("MD5", b) + ":" + b.length + ":Vigil.Hash.IgnoredLegacy\n"
                + hex("MD5", b) + ":" + b.length + ":Vigil.Hash.LateIgnore\n"
                + hex("MD5", g) + ":" + g.length + ":Vigil.Hash.AllowedBySfp\n");
        write(caseDir, "10-hashes.hsb", hex("SHA-1", b) + ":" + b.length + ":Vigil.Hash.Sha1\n"
                + hex("SHA-256", c) + ":" + c.length + ":Vigil.Hash.Sha256\n"
                + hex("SHA-256", e) + ":*:Vigil.Hash.Sha256AnySize:73:255\n"
                + hex("SHA-256", a) + ":" + a.length + ":Vigil.Hash.Sha256Skipped:1:100\n");
        write(caseDir, "20-body.ndb", "Vigil.Body.Marker:0:*:" + HexFormat.of().formatHex(MARKER.getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "Vigil.Body.IgnoredNdb:0:*:" + HexFormat.of().formatHex(MARKER.getBytes(StandardCharsets.US_ASCII)) + "\n");
        write(caseDir, "21-legacy.db", "Vigil.Legacy.Marker=" + HexFormat.of().formatHex("BODY-MARKER".getBytes(StandardCharsets.US_ASCII)) + "\n"
                + "Vigil.Legacy.Skipped==41424344\n");
        write(caseDir, "30-allow.fp", hex("MD5", f) + ":" + f.length + ":Vigil.Allow.F\n");
        write(caseDir, "30-allow.sfp", hex("SHA-256", g) + ":" + g.length + ":Vigil.Allow.G\n");
        write(caseDir, "90-late.ign2", "Vigil.Hash.LateIgnore\n");
    }

    private static void write(Path dir, String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content, StandardCharsets.US_ASCII);
    }

    static byte[] bytes(Random r, int n) {
        byte[] out = new byte[n];
        r.nextBytes(out);
        return out;
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }

    static String hex(String algorithm, byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
