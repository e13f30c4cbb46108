package dev.vigil.yara.modules;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/** Runs the real {@code yara} 4.5.2 for module tests; skips the calling test when it is absent unless required. */
public final class YaraOracle {
    public static final Path YARA = Path.of("/usr/bin/yara");

    private YaraOracle() {
    }

    public static void require() {
        if (Files.isExecutable(YARA)) {
            return;
        }
        if (Boolean.getBoolean("vigil.requireOracles")) {
            fail(YARA + " is required (-Dvigil.requireOracles=true) but absent");
        }
        Assumptions.abort(YARA + " is not installed");
    }

    /** Runs {@code yara [options] rules file} and returns its standard output (ISO-8859-1, one char per byte). */
    public static String run(Path workDir, String rules, Path file, String... options)
            throws IOException, InterruptedException {
        require();
        Path ruleFile = Files.createTempFile(workDir, "rule", ".yar");
        Files.writeString(ruleFile, rules, StandardCharsets.ISO_8859_1);
        Path out = Files.createTempFile(workDir, "yara", ".out");
        List<String> command = new ArrayList<>();
        command.add(YARA.toString());
        command.addAll(List.of(options));
        command.add(ruleFile.toString());
        command.add(file.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(out.toFile()).start();
        if (!process.waitFor(300, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("timed out: " + String.join(" ", command));
        }
        return Files.readString(out, StandardCharsets.ISO_8859_1);
    }

    /**
     * Evaluates each expression with {@code console.log("N:", expression)} in its own rule, so that an undefined
     * result simply logs nothing. Returns expression index to logged text (without the prefix).
     */
    public static Map<Integer, String> logEach(Path workDir, String imports, List<String> expressions, Path file)
            throws IOException, InterruptedException {
        StringBuilder rules = new StringBuilder(imports).append(" import \"console\"\n");
        for (int i = 0; i < expressions.size(); i++) {
            rules.append("rule r").append(i).append(" { condition: console.log(\"").append(i).append(":\", ")
                    .append(expressions.get(i)).append(") }\n");
        }
        Map<Integer, String> logged = new HashMap<>();
        for (String line : run(workDir, rules.toString(), file).split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).chars().allMatch(Character::isDigit)) {
                logged.put(Integer.parseInt(line.substring(0, colon)), line.substring(colon + 1));
            }
        }
        return logged;
    }

    /** A context over {@code data}; logged lines go to {@code log}. */
    public static ModuleContext context(byte[] data, List<String> log) {
        ScanInput input = ScanInput.of(data);
        return new ModuleContext() {
            @Override
            public ScanInput input() {
                return input;
            }

            @Override
            public long size() {
                return data.length;
            }

            @Override
            public void log(String line) {
                log.add(line);
            }
        };
    }
}
