package dev.vigil.unpack;

import dev.vigil.engine.Engine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The format ladder: every file of Debian's clamav-testfiles and of ClamAV's own test inputs (xor-decoded), scanned
 * with ClamAV's {@code clamav.hdb} by clamscan and by Vigil. Vigil must detect exactly the files clamscan detects,
 * except those listed in {@code unpack-ladder-known-failures.txt} (formats not supported yet), which is demanded
 * exactly so that it only ever shrinks, and those in {@code unpack-ladder-deliberate-differences.txt} (where this
 * clamscan cannot look, proven by {@link #deliberateDifferencesAreExplainedByTheOracle}), also demanded exactly. The table goes to {@code target/unpack-ladder.md}.
 */
class FormatLadderTest {
    private static final Path TESTFILES = Path.of("/usr/share/clamav-testfiles");
    private static final String DELIBERATE = "unpack-ladder-deliberate-differences.txt";

    @Test
    void vigilDetectsExactlyWhatClamscanDetects(@TempDir Path tmp) throws Exception {
        Clamscan.assume();
        Path database = TestData.unitInput().resolve("clamav.hdb");
        Path xorDir = TestData.unitInput().resolve("clamav_hdb_scanfiles");
        assertThat(database).exists();
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(TESTFILES)) {
            try (Stream<Path> s = Files.list(TESTFILES)) {
                s.filter(Files::isRegularFile).sorted().forEach(files::add);
            }
        }
        Path decoded = Files.createDirectories(tmp.resolve("clamav-unit-input"));
        try (Stream<Path> s = Files.list(xorDir)) {
            for (Path x : s.filter(p -> p.toString().endsWith(".xor")).sorted().toList()) {
                String name = x.getFileName().toString();
                files.add(Files.write(decoded.resolve(name.substring(0, name.length() - 4)),
                        TestData.unxor(Files.readAllBytes(x))));
            }
        }
        assertThat(files).hasSizeGreaterThan(50);

        List<String> args = new ArrayList<>(List.of("--no-summary", "-d", database.toString()));
        files.forEach(f -> args.add(f.toString()));
        Map<String, List<String>> reference = Clamscan.verdicts(Clamscan.run(args));

        Engine engine = TestData.engine(database);
        RecursiveScanner scanner = new RecursiveScanner(engine, Unpackers.defaults(), UnpackLimits.DEFAULT);
        Map<String, String[]> table = new TreeMap<>();
        TreeSet<String> differing = new TreeSet<>();
        for (Path f : files) {
            String label = label(f, decoded);
            assertThat(reference).as("clamscan verdict for %s", f).containsKey(f.toString());
            boolean clam = !reference.get(f.toString()).isEmpty();
            DeepScanResult r = scanner.scan(f, DeepScanOptions.DEFAULT);
            boolean vigil = r.infected();
            table.put(label, new String[] {clam ? "FOUND" : "OK", vigil ? "FOUND" : "OK",
                    r.detections().isEmpty() ? "" : r.detections().getFirst().pathString()});
            if (clam != vigil) {
                differing.add(label);
            }
        }
        writeTable(table, differing);

        TreeSet<String> known = new TreeSet<>(KnownFailures.read("unpack-ladder-known-failures.txt"));
        TreeSet<String> deliberate = new TreeSet<>(KnownFailures.read(DELIBERATE));
        TreeSet<String> expected = new TreeSet<>(known);
        expected.addAll(deliberate);
        assertThat(differing).as("files where Vigil and clamscan disagree (update the ratchet file when fixed)")
                .containsExactlyElementsOf(expected);
        // A deliberate difference is one where Vigil finds what this clamscan cannot see, never the other way.
        for (String d : deliberate) {
            assertThat(table.get(d)).as("deliberate difference %s: clamscan OK, Vigil FOUND", d)
                    .startsWith("OK", "FOUND");
        }
    }

    /**
     * The reason given for each deliberate difference holds for the oracle installed: clamscan's own debug output,
     * on the very file, says that it has no unrar support (Debian ships ClamAV without the non-free libclamunrar),
     * so it cannot look inside the RAR archives Vigil opens.
     */
    @Test
    void deliberateDifferencesAreExplainedByTheOracle(@TempDir Path tmp) throws Exception {
        Clamscan.assume();
        List<String> deliberate = KnownFailures.read(DELIBERATE);
        assertThat(deliberate).isNotEmpty();
        Path xorDir = TestData.unitInput().resolve("clamav_hdb_scanfiles");
        Path database = TestData.unitInput().resolve("clamav.hdb");
        for (String entry : deliberate) {
            assertThat(entry).as("only RAR files are deliberate differences").startsWith("unit-input/")
                    .endsWith(".rar");
            String name = entry.substring("unit-input/".length());
            Path file = Files.write(tmp.resolve(name), TestData.unxor(Files.readAllBytes(xorDir.resolve(name + ".xor"))));
            String debug = Clamscan.runWithStderr(List.of("--debug", "--no-summary", "-d", database.toString(),
                    file.toString()));
            assertThat(debug).as("clamscan --debug on %s", name)
                    .contains("Cannot dlopen libclamunrar_iface")
                    .contains("unrar support unavailable")
                    .contains("Recognized RAR file")
                    .contains(file + ": OK");
        }
    }

    private static String label(Path f, Path decoded) {
        return (f.startsWith(decoded) ? "unit-input/" : "testfiles/") + f.getFileName();
    }

    private static void writeTable(Map<String, String[]> table, TreeSet<String> differing) throws IOException {
        StringBuilder md = new StringBuilder("| file | clamscan 1.4.6 | Vigil | detected in |\n|---|---|---|---|\n");
        List<String> deliberate = KnownFailures.read(DELIBERATE);
        int agree = 0;
        int chosen = 0;
        for (var e : table.entrySet()) {
            String[] v = e.getValue();
            boolean differs = differing.contains(e.getKey());
            boolean onPurpose = differs && deliberate.contains(e.getKey());
            md.append("| ").append(e.getKey()).append(" | ").append(v[0]).append(" | ").append(v[1])
                    .append(onPurpose ? " (deliberate)" : differs ? " (differs)" : "").append(" | `").append(v[2])
                    .append("` |\n");
            agree += differs ? 0 : 1;
            chosen += onPurpose ? 1 : 0;
        }
        md.append("\n").append(agree).append(" of ").append(table.size()).append(" files agree; ").append(chosen)
                .append(" differ deliberately.\n");
        Path target = Path.of("target");
        Files.createDirectories(target);
        Files.writeString(target.resolve("unpack-ladder.md"), md);
    }
}
