package dev.vigil.difftest.yara;

import dev.vigil.yara.YaraRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Vigil verifies a string declared identically in several rules once and lets the rules share its matches. This
 * holds that sharing to yara 4.5.2, string matches included, on rules built to tell copies apart: identical text,
 * hex and regex strings in many rules; copies that differ only in {@code private}, in a modifier, in the hex text's
 * spacing, or in a fixed {@code at} offset (which limits where yara searches a literal); one text twice in a rule.
 */
class SharedStringsDifferentialTest {

    private static final String RULES = """
            rule text_a { strings: $a = "shared-token" condition: $a }
            rule text_b { strings: $x = "shared-token" $y = "other" condition: $x or $y }
            rule text_private { strings: $p = "shared-token" private condition: #p >= 2 }
            rule text_nocase { strings: $n = "shared-token" nocase condition: $n }
            rule text_wide { strings: $w = "shared-token" wide ascii condition: $w }
            rule text_at_zero { strings: $z = "shared-token" condition: $z at 0 }
            rule text_at_start { strings: $s = "shared-token" condition: $s at 16 }
            rule text_twice { strings: $t1 = "shared-token" $t2 = "shared-token" condition: $t1 and $t2 }
            rule text_count { strings: $c = "shared-token" condition: #c == 3 }
            rule hex_a { strings: $h = { 4D 5A ?? 00 [0-4] 50 45 } condition: $h }
            rule hex_b { strings: $h = { 4D 5A ?? 00 [0-4] 50 45 } condition: @h[1] == 100 }
            rule hex_spacing { strings: $h = {4D5A??00[0-4]5045} condition: $h }
            rule hex_other { strings: $h = { 4D 5A ?? 00 [0-4] 50 46 } condition: $h }
            rule re_a { strings: $r = /sha[a-z]+-tok(en)?/ condition: $r }
            rule re_b { strings: $r = /sha[a-z]+-tok(en)?/ condition: !r[1] == 12 }
            rule re_nocase { strings: $r = /sha[a-z]+-tok(en)?/i condition: $r }
            rule xor_a { strings: $k = "xorkey!" xor(1-3) condition: $k }
            rule xor_b { strings: $k = "xorkey!" xor(1-3) condition: $k }
            rule xor_wider { strings: $k = "xorkey!" xor condition: $k }
            rule none_shared { strings: $a = "shared-token" $b = "never-there" condition: $b or #a > 5 }
            """;

    @Test
    void rulesSharingStringsReportWhatYaraReports(@TempDir Path dir) throws Exception {
        YaraDifferentialTest.requireYara();
        Path rules = Files.writeString(dir.resolve("shared.yar"), RULES);
        Path data = Files.write(dir.resolve("data.bin"), data());
        Path other = Files.write(dir.resolve("other.bin"), "shared-token at zero, then SHARED-TOKEN".getBytes(
                StandardCharsets.US_ASCII));
        YaraRuleSet set = new YaraRuleSet("shared", List.of(rules), Map.of());
        List<Path> files = List.of(data, other);

        YaraReport expected = YaraProcess.scan(set, files, dir);
        YaraRules compiled = VigilYara.compile(set);
        YaraReport actual = VigilYara.scan(compiled, files);

        assertThat(expected.ruleMatches()).as("rules yara matches").isGreaterThan(10);
        assertThat(YaraComparison.differences(expected, actual, file -> true)).isEmpty();
    }

    private static byte[] data() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] pad = new byte[16];
        out.writeBytes(pad);
        out.writeBytes("shared-token".getBytes(StandardCharsets.US_ASCII)); // at 16
        while (out.size() < 100) {
            out.write(0x20);
        }
        out.writeBytes(new byte[] {0x4D, 0x5A, 0x01, 0x00, 0x50, 0x45}); // at 100
        out.writeBytes(new byte[] {0x4D, 0x5A, 0x02, 0x00, 1, 2, 0x50, 0x45});
        out.writeBytes(new byte[] {0x4D, 0x5A, 0x02, 0x00, 0x50, 0x46});
        out.writeBytes("..SHARED-TOKEN..shared-token..".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes("s\0h\0a\0r\0e\0d\0-\0t\0o\0k\0e\0n\0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes("..sharp-tok..".getBytes(StandardCharsets.US_ASCII));
        byte[] key = "xorkey!".getBytes(StandardCharsets.US_ASCII);
        for (int k : new int[] {2, 7}) {
            for (byte b : key) {
                out.write(b ^ k);
            }
            out.write('.');
        }
        return out.toByteArray();
    }
}
