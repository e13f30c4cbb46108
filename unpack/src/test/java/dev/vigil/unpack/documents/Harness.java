package dev.vigil.unpack.documents;

import dev.vigil.clamav.ClamAvLoader;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpacker;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Test support: an engine with ClamAV's {@code clamav.hdb} plus a hash signature for EICAR, a recursive scan through
 * the document unpackers (a stand-in for the real recursive scanner), and the reference clamscan run on a folder.
 */
final class Harness {
    static final Path SHARED = Path.of(System.getProperty("vigil.shared", "../shared"));
    static final Path CLAMAV_HDB = SHARED.resolve("conformance/clamav-unit-input/clamav.hdb");
    static final Path LOGO_HSB = SHARED.resolve("conformance/clamav-unit-input/other_sigs/logo.hsb");
    static final Path OTHER_DIR = SHARED.resolve("conformance/clamav-unit-input/other_scanfiles");
    static final Path XOR_DIR = SHARED.resolve("conformance/clamav-unit-input/clamav_hdb_scanfiles");
    static final Path DEBIAN_DIR = Path.of("/usr/share/clamav-testfiles");
    static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");
    /** The standard anti-virus test string, assembled so that this source file is not itself flagged. */
    static final byte[] EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*")
            .getBytes(StandardCharsets.US_ASCII);
    /** A JavaScript snippet with a hash signature of its own (PDF /JS strings are dumped verbatim). */
    static final byte[] JS = "app.alert('Vigil PDF JavaScript test');".getBytes(StandardCharsets.US_ASCII);
    private static final String XOR_KEY = "bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwg"
            + "mtyzujlbjlgrhtwxhzpjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr";

    private static Engine engine;
    private static String eicarDb;

    private Harness() {
    }

    static void assumeShared() {
        Assumptions.assumeTrue(Files.isRegularFile(CLAMAV_HDB), "shared conformance data missing");
    }

    /** The hdb line for EICAR, its MD5 computed here. */
    static synchronized String eicarHdb() {
        if (eicarDb == null) {
            try {
                eicarDb = hashLine(EICAR, "Vigil-Test-Eicar") + hashLine(JS, "Vigil-Test-Js");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        return eicarDb;
    }

    private static String hashLine(byte[] data, String name) throws Exception {
        byte[] md5 = MessageDigest.getInstance("MD5").digest(data);
        StringBuilder hex = new StringBuilder();
        for (byte b : md5) {
            hex.append(String.format("%02x", b));
        }
        return hex + ":" + data.length + ":" + name + "\n";
    }

    static synchronized Engine engine() throws Exception {
        if (engine == null) {
            EngineBuilder b = Engine.builder();
            ClamAvLoader loader = new ClamAvLoader(LoadOptions.DEFAULT);
            loader.load(CLAMAV_HDB, b);
            loader.load(LOGO_HSB, b);
            loader.loadContent("eicar.hdb", eicarHdb().getBytes(StandardCharsets.US_ASCII), b);
            engine = b.build();
        }
        return engine;
    }

    /** Decodes one of ClamAV's xor-obfuscated unit-test inputs. */
    static byte[] unxor(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        for (int i = 0; i < b.length; i++) {
            b[i] ^= (byte) XOR_KEY.charAt(i % XOR_KEY.length());
        }
        return b;
    }

    /** What a recursive scan found, and the children seen along the way. */
    record Outcome(Set<String> detections, List<String> children) {
        boolean infected() {
            return !detections.isEmpty();
        }
    }

    static Outcome scan(byte[] data) throws Exception {
        return scan(data, UnpackLimits.DEFAULT);
    }

    static Outcome scan(byte[] data, UnpackLimits limits) throws Exception {
        Outcome o = new Outcome(new LinkedHashSet<>(), new ArrayList<>());
        scan(data, "", 0, limits, o);
        return o;
    }

    private static void scan(byte[] data, String path, int depth, UnpackLimits limits, Outcome o) throws Exception {
        ScanResult r = engine().scan(ScanInput.of(data), ScanOptions.DEFAULT);
        for (Detection d : r.detections()) {
            o.detections.add(d.name());
        }
        if (depth >= limits.maxRecursion()) {
            return;
        }
        for (Unpacker u : DocumentUnpackers.all()) {
            ScanInput in = ScanInput.of(data);
            if (!u.accepts(r.fileType(), in)) {
                continue;
            }
            u.unpack(in, new ChildSink() {
                @Override
                public boolean child(Child child, InputStream stream) throws IOException {
                    String p = path + "/" + child.name();
                    o.children.add(p);
                    try {
                        scan(stream.readAllBytes(), p, depth + 1, limits, o);
                    } catch (IOException | RuntimeException e) {
                        throw e;
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                    return true;
                }

                @Override
                public void encrypted(String name) {
                }

                @Override
                public void limitExceeded(String limitName, String detail) {
                }

                @Override
                public UnpackLimits limits() {
                    return limits;
                }
            });
            break;
        }
    }

    static boolean clamscanPresent() {
        boolean present = Files.isExecutable(CLAMSCAN);
        if (!present && Boolean.getBoolean("vigil.requireOracles")) {
            throw new AssertionError("clamscan is required but " + CLAMSCAN + " is missing");
        }
        return present;
    }

    /**
     * Runs clamscan --allmatch with clamav.hdb, logo.hsb and the test's own hashes on every file of {@code dir}:
     * file name to the set of signature names found (empty when clean).
     */
    static Map<String, Set<String>> clamscan(Path dir) throws Exception {
        Path db = Files.createTempFile("vigil-docs", ".hdb");
        try {
            Files.writeString(db, Files.readString(CLAMAV_HDB) + eicarHdb());
            List<String> cmd = List.of(CLAMSCAN.toString(), "--no-summary", "--allmatch", "-d", db.toString(),
                    "-d", LOGO_HSB.toString(), dir.toString());
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("clamscan timed out");
            }
            Map<String, Set<String>> verdicts = new HashMap<>();
            for (String line : new String(out, StandardCharsets.UTF_8).split("\n")) {
                int colon = line.lastIndexOf(": ");
                if (colon < 0) {
                    continue;
                }
                String file = Path.of(line.substring(0, colon)).getFileName().toString();
                String verdict = line.substring(colon + 2);
                if (verdict.endsWith(" FOUND")) {
                    Set<String> names = verdicts.computeIfAbsent(file, k -> new java.util.TreeSet<>());
                    String name = verdict.substring(0, verdict.length() - 6);
                    // Heuristic alerts raised by ClamAV's parsers (Heuristics.PDF.ObfuscatedNameObject, ...) have no
                    // channel in the Unpacker SPI yet; they are compared elsewhere once they do.
                    if (!name.startsWith("Heuristics.")) {
                        names.add(name);
                    }
                } else if (verdict.equals("OK")) {
                    verdicts.putIfAbsent(file, new java.util.TreeSet<>());
                }
            }
            return verdicts;
        } finally {
            Files.deleteIfExists(db);
        }
    }
}
