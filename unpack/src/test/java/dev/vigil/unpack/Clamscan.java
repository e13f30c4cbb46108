package dev.vigil.unpack;

import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The reference clamscan, run as a process; tests skip without it unless -Dvigil.requireOracles=true. */
final class Clamscan {
    static final Path BINARY = Path.of("/usr/bin/clamscan");

    private Clamscan() {
    }

    static void assume() {
        if (!Boolean.getBoolean("vigil.requireOracles")) {
            Assumptions.assumeTrue(Files.isExecutable(BINARY), "clamscan is not installed");
        }
    }

    /** Runs clamscan with {@code args} and returns its stdout lines. */
    static List<String> run(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        var err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try (InputStream es = p.getErrorStream()) {
                es.transferTo(err);
            } catch (IOException ignored) {
                // closed with the process
            }
        });
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("clamscan did not finish");
        }
        errReader.join();
        if (p.exitValue() > 1) {
            throw new IllegalStateException("clamscan failed (" + p.exitValue() + "): " + err);
        }
        return out.lines().toList();
    }

    /** Runs clamscan with {@code args} and returns what it prints on stdout and stderr together. */
    static String runWithStderr(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(BINARY.toString());
        command.addAll(args);
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("clamscan did not finish");
        }
        return out;
    }

    /**
     * Verdicts per scanned path from {@code --no-summary} output: the detection names (in order) or an empty list
     * for OK.
     */
    static Map<String, List<String>> verdicts(List<String> lines) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String line : lines) {
            if (line.endsWith(": OK")) {
                out.putIfAbsent(line.substring(0, line.length() - 4), new ArrayList<>());
            } else if (line.endsWith(" FOUND")) {
                int colon = line.lastIndexOf(": ", line.length() - 6);
                out.computeIfAbsent(line.substring(0, colon), k -> new ArrayList<>())
                        .add(line.substring(colon + 2, line.length() - 6));
            }
        }
        return out;
    }
}
