package dev.vigil.cli;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Fuzz targets for what {@code vigil yara} parses: its command line, numbers, and rule sources (hex index). */
class YaraFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void commandLines(FuzzedDataProvider data) {
        List<String> args = new ArrayList<>();
        int n = data.consumeInt(0, 10);
        for (int i = 0; i < n; i++) {
            args.add(data.pickValue(new String[]{"-", "--", "-s", "-p", "--threads=", "-d", "--define=", "-t", "-rsg",
                    "--max-rules=", "x"}) + data.consumeString(5));
        }
        try {
            YaraArgs a = YaraArgs.parse(args);
            assertThat(a.positional().size()).isLessThanOrEqualTo(n);
        } catch (YaraArgs.Invalid expected) {
            assertThat(expected.getMessage()).isNotBlank().doesNotContain("\n");
        }
    }

    @FuzzTest(maxDuration = "30s")
    void numbers(String s) {
        if (s == null) {
            return;
        }
        Long v = CNumbers.strtol(s);
        if (v != null && s.chars().allMatch(c -> c >= '0' && c <= '9') && !s.isEmpty() && s.length() < 18
                && !s.startsWith("0")) {
            assertThat(v).isEqualTo(Long.parseLong(s));
        }
        CNumbers.atoi(s);
        YaraExternals.typed(s);
    }

    @FuzzTest(maxDuration = "30s")
    void ruleSources(byte[] source) {
        RuleSourceIndex index = new RuleSourceIndex();
        index.addSource(new String(source, StandardCharsets.ISO_8859_1), "ns", null, 0);
        index.isHex("ns", "r", "$a");
        index.isHex("ns", "r", "$");
    }
}
