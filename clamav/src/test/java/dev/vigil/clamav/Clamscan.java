package dev.vigil.clamav;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the reference {@code clamscan}; tests that need it skip when it is absent (unless oracles are required). */
public final class Clamscan {
    public static final Path BINARY = Path.of("/usr/bin/clamscan");

    private Clamscan() {
    }

    public static void assumeAvailable() {
        boolean present = Files.isExecutable(BINARY);
        if (!present && Boolean.getBoolean("vigil.requireOracles")) {
            throw new AssertionError("clamscan is required (-Dvigil.requireOracles=true) but " + BINARY + " is missing");
        }
        Assumptions.assumeTrue(present, "clamscan not installed");
    }

    /** Exit code and combined output of one run. */
    public record Result(int exitCode, String output) {
        /** The database loaded (exit 0 = clean, 1 = found; 2 = error). */
        public boolean loaded() {
            return exitCode == 0 || exitCode == 1;
        }

        public int knownViruses() {
            for (String line : output.split("\n")) {
                if (line.startsWith("Known viruses: ")) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            return -1;
        }
    }

    public static Result run(List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(BINARY.toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("clamscan timed out");
        }
        return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** Loads {@code db} (file or directory) and scans an empty file: tells whether and how ClamAV loads it. */
    public static Result load(Path db, Path emptyFile, String... extra) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(extra));
        args.add("-d");
        args.add(db.toString());
        args.add(emptyFile.toString());
        return run(args);
    }
}
