package dev.vigil.engine.filetype;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compares {@link FileTypeDetector} with the type clamscan records as {@code RootFileType} in its scan metadata
 * ({@code --gen-json --debug}), over a corpus built to reach every typing branch, with the built-in table and with
 * database magic that extends or replaces it.
 */
class FileTypeClamscanTest {
    private static final Pattern ROOT_TYPE = Pattern.compile("\"RootFileType\":\"(CL_TYPE_[A-Z0-9_]+)\"");
    private static final Pattern FILE_NAME = Pattern.compile("\"FileName\":\"([^\"]+)\"");

    @Test
    void builtInTableAgreesWithClamscan(@TempDir Path tmp) throws Exception {
        compare(tmp, List.of(), List.of());
    }

    @Test
    void databaseFileMagicReplacesTheBuiltInTable(@TempDir Path tmp) throws Exception {
        compare(tmp, List.of("0:0:68656c6c6f:Hello:CL_TYPE_ANY:CL_TYPE_PDF"),
                List.of(new MagicRule(0, 0, "hello".getBytes(StandardCharsets.US_ASCII), null, "Hello",
                        FileType.ANY, FileType.PDF)));
    }

    @Test
    void databasePatternsExtendTheBuiltInTable(@TempDir Path tmp) throws Exception {
        compare(tmp, List.of("1:*:637573746f6d:Custom:CL_TYPE_ANY:CL_TYPE_RTF",
                        "1:*:6d61676963:Magic:CL_TYPE_BINARY_DATA:CL_TYPE_SWF"),
                List.of(patternRule("custom", FileType.ANY, FileType.RTF),
                        patternRule("magic", FileType.BINARY_DATA, FileType.SWF)));
    }

    private static MagicRule patternRule(String text, FileType required, FileType type) {
        List<PatternNode> nodes = new ArrayList<>();
        for (byte b : text.getBytes(StandardCharsets.US_ASCII)) {
            nodes.add(ByteSet.of(b));
        }
        return new MagicRule(1, -1, null, BodyPattern.of(new Part(nodes)), text, required, type);
    }

    private static void compare(Path tmp, List<String> ftmLines, List<MagicRule> rules) throws Exception {
        assumeClamscan();
        Path corpus = TypingCorpus.writeAll(tmp.resolve("corpus"));
        Path ndb = tmp.resolve("dummy.ndb");
        Files.writeString(ndb, "Vigil.Dummy:0:*:0102030405060708090a\n");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/clamscan", "--gen-json", "--debug", "--no-summary",
                "-d", ndb.toString()));
        if (!ftmLines.isEmpty()) {
            Path ftm = tmp.resolve("custom.ftm");
            Files.write(ftm, ftmLines);
            cmd.add("-d");
            cmd.add(ftm.toString());
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(corpus)) {
            files = s.sorted().toList();
        }
        files.forEach(f -> cmd.add(f.toString()));
        Map<String, String> clamav = rootTypes(cmd);

        FileTypeDetector detector = FileTypeDetector.withDefaults(rules);
        Map<String, String> vigil = new TreeMap<>();
        for (Path f : files) {
            vigil.put(f.getFileName().toString(), detector.detect(ScanInput.of(Files.readAllBytes(f))).name());
        }
        assertThat(clamav.keySet()).containsExactlyInAnyOrderElementsOf(vigil.keySet());
        assertThat(vigil).isEqualTo(clamav);
    }

    private static Map<String, String> rootTypes(List<String> cmd) throws IOException, InterruptedException {
        Path log = Files.createTempFile("clamscan", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("clamscan timed out");
            }
            Map<String, String> out = new TreeMap<>();
            String pendingType = null;
            for (String line : Files.readAllLines(log, StandardCharsets.ISO_8859_1)) {
                Matcher t = ROOT_TYPE.matcher(line);
                if (t.find()) {
                    pendingType = t.group(1);
                }
                Matcher n = FILE_NAME.matcher(line);
                if (n.find() && pendingType != null) {
                    out.put(n.group(1), pendingType);
                    pendingType = null;
                }
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }

    private static void assumeClamscan() {
        boolean present = Files.isExecutable(Path.of("/usr/bin/clamscan"));
        if (Boolean.getBoolean("vigil.requireOracles") && !present) {
            throw new AssertionError("clamscan is required but absent");
        }
        Assumptions.assumeTrue(present, "clamscan not installed");
    }
}
