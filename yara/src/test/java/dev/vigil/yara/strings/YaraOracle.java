package dev.vigil.yara.strings;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.fail;

/** Runs the real {@code yara -s -L -X}; skips the calling test when it is absent unless oracles are required. */
final class YaraOracle {

    private static final Pattern MATCH = Pattern.compile("^0x([0-9a-f]+):(\\d+):(\\$\\w*):xor\\(0x([0-9a-f]{2}),");

    private YaraOracle() {
    }

    static String yara() {
        for (String p : List.of("/usr/bin/yara", "/usr/local/bin/yara")) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        if (Boolean.getBoolean("vigil.requireOracles")) {
            fail("yara is required (-Dvigil.requireOracles=true) but absent");
        }
        Assumptions.abort("yara is not installed");
        return null;
    }

    /** Per rule name that matched: its match lines as "$id offset length key". */
    static Map<String, List<String>> scan(Path dir, String rules, byte[] data) throws IOException,
            InterruptedException {
        String yara = yara();
        Path rulePath = Files.createTempFile(dir, "rules", ".yar");
        Path dataPath = Files.createTempFile(dir, "data", ".bin");
        Path outPath = Files.createTempFile(dir, "out", ".txt");
        Path errPath = Files.createTempFile(dir, "err", ".txt");
        Files.writeString(rulePath, rules, StandardCharsets.ISO_8859_1);
        Files.write(dataPath, data);
        Process p = new ProcessBuilder(yara, "-s", "-L", "-X", rulePath.toString(), dataPath.toString())
                .redirectOutput(outPath.toFile()).redirectError(errPath.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("yara timed out");
        }
        if (p.exitValue() != 0) {
            fail("yara failed: " + Files.readString(errPath, StandardCharsets.ISO_8859_1) + "\n" + rules);
        }
        Map<String, List<String>> result = new LinkedHashMap<>();
        // compiler warnings, keyed "warning:<rule>" with the messages (without the location prefix)
        Pattern warning = Pattern.compile("^warning: rule \"(\\w+)\" in [^:]*\\(\\d+\\): (.*)$");
        for (String line : Files.readAllLines(errPath, StandardCharsets.ISO_8859_1)) {
            Matcher w = warning.matcher(line);
            if (w.matches()) {
                result.computeIfAbsent("warning:" + w.group(1), k -> new ArrayList<>()).add(w.group(2));
            }
        }
        List<String> current = null;
        for (String line : Files.readAllLines(outPath, StandardCharsets.ISO_8859_1)) {
            Matcher m = MATCH.matcher(line);
            if (m.find()) {
                if (current != null) {
                    current.add(m.group(3) + " " + Long.parseLong(m.group(1), 16) + " " + m.group(2) + " "
                            + Integer.parseInt(m.group(4), 16));
                }
            } else if (line.endsWith(" " + dataPath) && !line.startsWith("0x")) {
                current = new ArrayList<>();
                result.put(line.substring(0, line.indexOf(' ')), current);
            }
        }
        return result;
    }
}
