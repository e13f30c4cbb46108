package dev.vigil.yara.modules.dotnet;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleDump;
import dev.vigil.yara.modules.YaraModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code yara -D} (the oracle) and Vigil's module on the same file, both as sorted {@code path = value} lines. */
public final class YaraDump {
    private static final Path YARA = Path.of("/usr/bin/yara");

    private YaraDump() {
    }

    /** Skips the calling test when yara is absent, or fails it under -Dvigil.requireOracles=true. */
    public static void assumeYara() {
        boolean present = Files.isExecutable(YARA);
        if (!present && Boolean.getBoolean("vigil.requireOracles")) {
            fail("yara is required (-Dvigil.requireOracles=true) but absent");
        }
        assumeTrue(present, "yara not installed");
    }

    /** The lines yara prints for {@code module} on {@code file}. */
    public static List<String> yara(String module, Path file, Path workDir) throws IOException, InterruptedException {
        Path rule = workDir.resolve(module + "-dump.yar");
        if (!Files.exists(rule)) {
            Files.writeString(rule, "import \"" + module + "\"\nrule dump { condition: true }\n");
        }
        Process p = new ProcessBuilder(YARA.toString(), "-D", rule.toString(), file.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] stdout = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("yara timed out on " + file);
        }
        String text = new String(stdout, StandardCharsets.ISO_8859_1);
        List<String> out = new ArrayList<>();
        for (String line : ModuleDump.flattenYaraOutput(text)) {
            if (line.startsWith(module + ".")) {
                out.add(line);
            }
        }
        return out;
    }

    /** The lines Vigil's {@code module} gives for {@code data}. */
    public static List<String> vigil(YaraModule module, byte[] data) throws IOException {
        ScanInput input = ScanInput.of(data);
        ModuleContext ctx = new ModuleContext() {
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
            }
        };
        return ModuleDump.flatten(module.name(), module.schema(), module.load(ctx));
    }

    /** Lines only one side has, prefixed {@code yara: } or {@code vigil:}; empty when both agree. */
    public static List<String> diff(List<String> yara, List<String> vigil) {
        List<String> d = new ArrayList<>();
        java.util.Set<String> v = new java.util.HashSet<>(vigil);
        java.util.Set<String> y = new java.util.HashSet<>(yara);
        for (String s : yara) {
            if (!v.contains(s)) {
                d.add("yara:  " + s);
            }
        }
        for (String s : vigil) {
            if (!y.contains(s)) {
                d.add("vigil: " + s);
            }
        }
        return d;
    }
}
