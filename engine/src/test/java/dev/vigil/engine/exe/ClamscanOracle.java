package dev.vigil.engine.exe;

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

/** Runs the real clamscan with a signature file over some inputs and collects the detection names per input. */
final class ClamscanOracle {
    private static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");

    private ClamscanOracle() {
    }

    /** Skips the calling test when clamscan is absent, unless oracles are required. */
    static void assumePresent() {
        boolean present = Files.isExecutable(CLAMSCAN);
        if (Boolean.getBoolean("vigil.requireOracles")) {
            if (!present) {
                throw new AssertionError("clamscan is required (-Dvigil.requireOracles=true) but absent");
            }
            return;
        }
        Assumptions.assumeTrue(present, "clamscan not installed");
    }

    /** Detection names (without the .UNOFFICIAL suffix) for each input path, from {@code --allmatch}. */
    static Map<Path, Set<String>> scan(Path signatures, List<Path> inputs) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CLAMSCAN.toString(), "--allmatch", "--no-summary",
                "-d", signatures.toString()));
        for (Path p : inputs) {
            cmd.add(p.toString());
        }
        Path errors = Files.createTempFile("clamscan", ".err");
        try {
            Process process = new ProcessBuilder(cmd).redirectError(errors.toFile()).start();
            process.getOutputStream().close();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(300, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("clamscan timed out");
            }
            int rc = process.exitValue();
            if (rc != 0 && rc != 1) {
                throw new IOException("clamscan exit " + rc + ": " + Files.readString(errors) + out);
            }
            return parse(out, inputs);
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    private static Map<Path, Set<String>> parse(String out, List<Path> inputs) {
        Map<Path, Set<String>> found = new HashMap<>();
        for (Path p : inputs) {
            found.put(p, new HashSet<>());
        }
        for (String line : out.split("\n")) {
            if (!line.endsWith(" FOUND")) {
                continue;
            }
            int sep = line.lastIndexOf(": ", line.length() - " FOUND".length());
            Path path = Path.of(line.substring(0, sep));
            String name = line.substring(sep + 2, line.length() - " FOUND".length()).replace(".UNOFFICIAL", "");
            found.computeIfAbsent(path, k -> new HashSet<>()).add(name);
        }
        return found;
    }
}
