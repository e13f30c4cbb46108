package dev.vigil.unpack.executables;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** ClamAV's test inputs (xor-decoded from ../shared, or Debian's copies) and the clamscan oracle. */
final class ClamavTestFiles {
    static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");
    static final Path DEBIAN = Path.of("/usr/share/clamav-testfiles");
    /** The xor key upstream's xor_testfile.py uses, as the README of the conformance folder gives it. */
    private static final byte[] KEY = ("bhcftqarohcdiayfohalohkgmoefxrrgfnczssgybajvkzjaahpfrlqsratkhhfvpxytculmwgmtyzu"
            + "jlbjlgrhtwxhzpjazlibbwepffyjyfkjwzyofgpopoueurinpdujkphxwhnaxfkaiwrpzdqsnwughtejr")
            .getBytes(StandardCharsets.US_ASCII);

    private ClamavTestFiles() {
    }

    static Path unitInput() {
        Path p = Path.of(System.getProperty("vigil.shared", "../shared"), "conformance", "clamav-unit-input");
        Assumptions.assumeTrue(Files.isDirectory(p), "conformance inputs absent: " + p);
        return p;
    }

    static Path database() {
        return unitInput().resolve("clamav.hdb");
    }

    /** Decodes {@code <name>.xor} from the scan-file folder into {@code dir}; null when that input is absent. */
    static Path decoded(String name, Path dir) throws IOException {
        Path xor = unitInput().resolve("clamav_hdb_scanfiles").resolve(name + ".xor");
        if (!Files.exists(xor)) {
            return null;
        }
        byte[] b = Files.readAllBytes(xor);
        for (int i = 0; i < b.length; i++) {
            b[i] ^= KEY[i % KEY.length];
        }
        Path out = dir.resolve(name);
        Files.write(out, b);
        return out;
    }

    static void assumeClamscan() {
        boolean present = Files.isExecutable(CLAMSCAN);
        if (!present && Boolean.getBoolean("vigil.requireOracles")) {
            throw new AssertionError("clamscan is required (-Dvigil.requireOracles=true) but absent");
        }
        Assumptions.assumeTrue(present, "clamscan not installed");
    }

    /** clamscan's verdict for each file (true = FOUND), from one run over all of them. */
    static Map<Path, Boolean> clamscan(Path db, List<Path> files) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CLAMSCAN.toString(), "--no-summary", "-d", db.toString()));
        files.forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("clamscan timed out");
        }
        Map<Path, Boolean> verdicts = new LinkedHashMap<>();
        for (Path f : files) {
            String prefix = f + ": ";
            for (String line : out.split("\n")) {
                if (line.startsWith(prefix)) {
                    verdicts.put(f, line.endsWith(" FOUND"));
                }
            }
            if (!verdicts.containsKey(f)) {
                throw new IOException("clamscan gave no verdict for " + f + ":\n" + out);
            }
        }
        return verdicts;
    }

    /**
     * The rebuilt PE clamscan writes for {@code file} scanned with {@code database}, found through its debug output
     * ("{@code cli_scanpe: PACKER: Unpacked and rebuilt executable saved in PATH}") and kept with --leave-temps in
     * {@code tempDir}; null when clamscan rebuilt nothing.
     */
    static byte[] clamscanRebuilt(Path database, Path file, String packer, Path tempDir) throws Exception {
        Process p = new ProcessBuilder(CLAMSCAN.toString(), "--debug", "--leave-temps", "--tempdir=" + tempDir,
                "--no-summary", "-d", database.toString(), file.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("clamscan timed out");
        }
        Matcher m = Pattern.compile("cli_scanpe: " + Pattern.quote(packer)
                + ": Unpacked and rebuilt executable saved in (\\S+)").matcher(log);
        return m.find() ? Files.readAllBytes(Path.of(m.group(1))) : null;
    }
}
