package dev.vigil.yara.modules.pe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs the reference {@code yara} binary for the pe module tests. */
final class YaraOracle {
    static final Path YARA = Path.of("/usr/bin/yara");

    private YaraOracle() {
    }

    static void assumePresent() {
        boolean present = Files.isExecutable(YARA);
        if (Boolean.getBoolean("vigil.requireOracles")) {
            if (!present) {
                throw new AssertionError("yara oracle missing at " + YARA);
            }
        }
        Assumptions.assumeTrue(present, "yara not installed");
    }

    /** Runs yara with {@code args}; returns stdout. */
    static String run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(YARA.toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("yara timed out");
        }
        return new String(out, StandardCharsets.ISO_8859_1);
    }

    /** The {@code pe} block of {@code yara -D} output for {@code file}. */
    static String dumpPe(Path rule, Path file) throws IOException, InterruptedException {
        String out = run(List.of("-D", rule.toString(), file.toString()));
        StringBuilder pe = new StringBuilder();
        boolean in = false;
        for (String line : out.split("\n")) {
            if (!line.startsWith("\t")) {
                in = line.equals("pe");
            }
            if (in) {
                pe.append(line).append('\n');
            }
        }
        return pe.toString();
    }
}
