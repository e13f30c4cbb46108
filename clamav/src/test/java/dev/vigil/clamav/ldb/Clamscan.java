package dev.vigil.clamav.ldb;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs the reference /usr/bin/clamscan for oracle tests; skips the test when it is absent (unless required). */
final class Clamscan {
    private static final Path BINARY = Path.of(System.getProperty("vigil.clamscan", "/usr/bin/clamscan"));
    private static final Pattern KNOWN = Pattern.compile("Known viruses: (\\d+)");
    private static final Pattern FOUND = Pattern.compile("^(.*): (\\S+) FOUND$");

    private Clamscan() {
    }

    static void assumeAvailable() {
        boolean present = Files.isExecutable(BINARY);
        if (Boolean.getBoolean("vigil.requireOracles") && !present) {
            throw new AssertionError("clamscan required but not found at " + BINARY);
        }
        Assumptions.assumeTrue(present, "clamscan not installed");
    }

    /** How ClamAV treats a one-signature database. */
    enum LoadOutcome { LOADED, SKIPPED, REJECTED }

    record Run(int exitCode, String output) {
    }

    static Run run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("clamscan timed out");
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.ISO_8859_1));
    }

    /** Loads {@code db} (a file with the right extension) and reports whether its one signature loaded. */
    static LoadOutcome load(Path db) throws IOException, InterruptedException {
        Run r = run(List.of("-d", db.toString(), emptyFile().toString()));
        if (r.output().contains("ERROR: ")) {
            return LoadOutcome.REJECTED;
        }
        Matcher m = KNOWN.matcher(r.output());
        if (!m.find()) {
            throw new IOException("unexpected clamscan output: " + r.output());
        }
        return Integer.parseInt(m.group(1)) > 0 ? LoadOutcome.LOADED : LoadOutcome.SKIPPED;
    }

    private static Path empty;

    /** A zero-byte file to scan while only the loading matters. */
    static synchronized Path emptyFile() throws IOException {
        if (empty == null) {
            empty = Files.createTempFile("vigil-empty", ".bin");
            empty.toFile().deleteOnExit();
        }
        return empty;
    }

    /** Scans a directory with all-match: file name (relative to dir) to detected names (without .UNOFFICIAL). */
    static Map<String, Set<String>> scan(Path db, Path dir) throws IOException, InterruptedException {
        Run r = run(List.of("--allmatch", "--no-summary", "-d", db.toString(), "-r", dir.toString()));
        if (r.exitCode() == 2) {
            throw new IOException("clamscan failed: " + r.output());
        }
        Map<String, Set<String>> found = new HashMap<>();
        for (String line : r.output().split("\n")) {
            Matcher m = FOUND.matcher(line);
            if (m.matches()) {
                String file = dir.relativize(Path.of(m.group(1))).toString();
                String name = m.group(2).replaceFirst("\\.UNOFFICIAL$", "");
                found.computeIfAbsent(file, k -> new HashSet<>()).add(name);
            }
        }
        return found;
    }
}
