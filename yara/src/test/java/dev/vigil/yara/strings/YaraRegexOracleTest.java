package dev.vigil.yara.strings;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code "text" matches /re/} decided by {@link YaraRegex} and by the real yara for generated expressions. */
class YaraRegexOracleTest {

    @TempDir
    Path dir;

    @Test
    void matchesAgreesWithYara() throws Exception {
        YaraOracle.yara();
        Random r = new Random(11);
        String[] parts = {"a", "b", ".", "[ab]", "(a|bc)", "\\w", "\\d", "\\b", "a*", "b+", "c?", "a{2}", "[^b]",
            "\\s"};
        StringBuilder rules = new StringBuilder();
        List<String> res = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        List<Boolean> nocase = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            StringBuilder re = new StringBuilder(r.nextInt(6) == 0 ? "^" : "");
            for (int k = 0, n = 1 + r.nextInt(4); k < n; k++) {
                re.append(parts[r.nextInt(parts.length)]);
            }
            if (r.nextInt(6) == 0) {
                re.append('$');
            }
            StringBuilder text = new StringBuilder();
            int len = i == 0 ? 4200 : r.nextInt(12);
            for (int k = 0; k < len; k++) {
                text.append("abcAB1 ".charAt(r.nextInt(7)));
            }
            boolean ic = r.nextInt(4) == 0;
            res.add(re.toString());
            texts.add(text.toString());
            nocase.add(ic);
            rules.append("rule r").append(i).append(" { condition: \"").append(text).append("\" matches /")
                    .append(re).append('/').append(ic ? "i" : "").append(" }\n");
        }
        Map<String, List<String>> yara = YaraOracle.scan(dir, rules.toString(), new byte[0]);
        List<String> differ = new ArrayList<>();
        for (int i = 0; i < res.size(); i++) {
            boolean ours = YaraRegex.compile(res.get(i), nocase.get(i), false)
                    .find(texts.get(i).getBytes(StandardCharsets.ISO_8859_1));
            if (ours != yara.containsKey("r" + i)) {
                differ.add("/" + res.get(i) + "/ on " + texts.get(i) + ": yara " + !ours);
            }
        }
        assertThat(differ).isEmpty();
    }
}
