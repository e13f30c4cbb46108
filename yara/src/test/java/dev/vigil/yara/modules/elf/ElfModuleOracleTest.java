package dev.vigil.yara.modules.elf;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleDump;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.YaraOracle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every elf value and both functions, compared with {@code yara -D} 4.5.2 on system binaries, YARA's test blobs
 * and seeded hostile mutations of them.
 */
class ElfModuleOracleTest {

    private static final String RULES = "import \"elf\" import \"console\" rule a { condition: true }\n"
            + "rule t { condition: console.log(\"T:\", elf.telfhash()) }\n"
            + "rule m { condition: console.log(\"M:\", elf.import_md5()) }\n";

    @Test
    void valuesAgreeWithYaraOnSamplesAndMutations(@TempDir Path dir) throws Exception {
        YaraOracle.require();
        // -Dvigil.elfMutations=N raises the number of mutations per base file for a longer run
        int mutations = Integer.getInteger("vigil.elfMutations", 60);
        Map<String, byte[]> samples = new LinkedHashMap<>();
        List<byte[]> blobs = ElfSamples.conformanceBlobs();
        for (int i = 0; i < blobs.size(); i++) {
            samples.put("blob" + i, blobs.get(i));
            samples.putAll(ElfSamples.mutations("blob" + i, blobs.get(i), mutations, i));
        }
        Map<String, byte[]> synthetic = ElfSamples.synthetic();
        assertThat(synthetic).hasSize(4);
        int seed = 1000;
        for (Map.Entry<String, byte[]> e : synthetic.entrySet()) {
            samples.put(e.getKey(), e.getValue());
            samples.putAll(ElfSamples.mutations(e.getKey(), e.getValue(), mutations, seed++));
        }
        Path imports = Path.of(System.getProperty("vigil.shared", "../shared"),
                "conformance/yara/data/elf_with_imports");
        if (Files.exists(imports)) {
            samples.put("elf_with_imports", Files.readAllBytes(imports));
        }
        List<Path> binaries = ElfSamples.systemBinaries(40, 4 << 20);
        for (Path p : binaries) {
            samples.put("bin-" + p.getFileName(), Files.readAllBytes(p));
        }
        if (!binaries.isEmpty()) {
            samples.putAll(ElfSamples.mutations("bin", Files.readAllBytes(binaries.get(0)), mutations, 99));
        }
        // -Dvigil.elfExtraDir=DIR adds every ELF file directly in DIR, whatever its size
        String extra = System.getProperty("vigil.elfExtraDir");
        if (extra != null) {
            for (Path p : ElfSamples.elfFiles(Path.of(extra), Integer.MAX_VALUE, Long.MAX_VALUE)) {
                samples.put("extra-" + p.getFileName(), Files.readAllBytes(p));
            }
        }
        assertThat(samples).hasSizeGreaterThan(100);
        List<String> differences = compare(dir, samples);
        assertThat(differences).as("differences from yara on %d files", samples.size()).isEmpty();
    }

    static List<String> compare(Path dir, Map<String, byte[]> samples) throws Exception {
        Path files = Files.createDirectories(dir.resolve("samples"));
        for (Map.Entry<String, byte[]> s : samples.entrySet()) {
            Files.write(files.resolve(s.getKey()), s.getValue());
        }
        Map<String, List<String>> chunks = chunks(YaraOracle.run(dir, RULES, files, "-p", "1", "-D"), files);
        assertThat(chunks.keySet()).as("yara scanned every sample").containsAll(samples.keySet());
        long withValues = chunks.values().stream().filter(c -> c.stream().anyMatch(l -> l.contains(" = "))).count();
        assertThat(withValues).isEqualTo(samples.size());
        List<String> differences = new ArrayList<>();
        ElfModule module = new ElfModule();
        for (Map.Entry<String, byte[]> s : samples.entrySet()) {
            List<String> chunk = chunks.getOrDefault(s.getKey(), List.of());
            List<String> expected = new ArrayList<>(ModuleDump.flattenYaraOutput(String.join("\n",
                    chunk.stream().filter(l -> !l.startsWith("T:") && !l.startsWith("M:")).toList())));
            chunk.stream().filter(l -> l.startsWith("T:") || l.startsWith("M:")).forEach(expected::add);
            StructValue value = module.load(context(s.getValue()));
            List<String> actual = new ArrayList<>(ModuleDump.flatten("elf", module.schema(), value));
            addFunction(actual, "T:", value.get("telfhash"));
            addFunction(actual, "M:", value.get("import_md5"));
            if (!expected.equals(actual)) {
                List<String> missing = new ArrayList<>(expected);
                missing.removeAll(actual);
                List<String> extra = new ArrayList<>(actual);
                extra.removeAll(expected);
                differences.add(s.getKey() + ": yara only " + head(missing) + " vigil only " + head(extra));
            }
        }
        return differences;
    }

    private static List<String> head(List<String> lines) {
        return lines.subList(0, Math.min(5, lines.size()));
    }

    private static void addFunction(List<String> lines, String prefix, Object function) {
        Object result = ((ModuleFunction) function).call(0, new Object[0]);
        if (result != null) {
            lines.add(prefix + new String((byte[]) result, StandardCharsets.ISO_8859_1));
        }
    }

    /** Splits the output of a directory scan into per-file lines; each file's part ends with "a PATH". */
    private static Map<String, List<String>> chunks(String output, Path files) {
        Map<String, List<String>> chunks = new HashMap<>();
        List<String> current = new ArrayList<>();
        String prefix = "a " + files + "/";
        for (String line : output.split("\n")) {
            if (line.startsWith(prefix)) {
                chunks.put(line.substring(prefix.length()), current);
                current = new ArrayList<>();
            } else if (!line.startsWith("t " + files) && !line.startsWith("m " + files)) {
                current.add(line);
            }
        }
        return chunks;
    }

    static ModuleContext context(byte[] data) {
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
            }
        };
    }
}
