package dev.vigil.yara.condition;

import dev.vigil.yara.CountingInput;
import dev.vigil.yara.modules.Modules;
import dev.vigil.yara.syntax.IncludeResolver;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Integer reads ({@code uint16(0)}, {@code uint32(uint32(0x3c))}) go to the input once per block of it, not once per
 * read: from a file each read of the input is a system call, and rule sets read the same header bytes thousands of
 * times per file. (What the reads return is compared with yara in the CLI's {@code YaraComparisonTest}.)
 */
class IntegerReadsTest {

    private static boolean[] evaluate(String rules, CountingInput input) {
        RuleSetCompiler.Result r = RuleSetCompiler.compile(List.of(new RuleSetCompiler.Source("default", "r.yar",
                rules.getBytes(StandardCharsets.ISO_8859_1))), Map.of(),
                new RuleSetCompiler.Options(IncludeResolver.none(), Modules.builtIn()));
        assertThat(r.errors()).isEmpty();
        return r.rules().evaluate(TestContexts.of(input, Map.of(), Map.of()));
    }

    private static byte[] pe(int size) {
        byte[] data = new byte[size];
        data[0] = 'M';
        data[1] = 'Z';
        data[0x3c] = (byte) 0x80;
        data[0x80] = 'P';
        data[0x81] = 'E';
        return data;
    }

    @Test
    void repeatedReadsOfOneBlockReadTheInputOnce() {
        CountingInput input = new CountingInput(pe(100_000));
        boolean[] matched = evaluate("""
                rule a { condition: for all i in (1..1000) : (uint16(0) == 0x5a4d) }
                rule b { condition: for all i in (1..1000) : (uint32(uint32(0x3c)) == 0x4550) }
                rule c { condition: for all i in (0..999) : (uint8(i) == uint8(i)) }
                """, input);
        assertThat(matched).containsExactly(true, true, true);
        assertThat(input.reads).isEqualTo(1);
    }

    @Test
    void readsFarApartAndAcrossABlockBoundaryReadTheirOwnBlocks() {
        byte[] data = pe(3 * Frame.BLOCK);
        data[Frame.BLOCK - 1] = 0x11;
        data[Frame.BLOCK] = 0x22;
        CountingInput input = new CountingInput(data);
        boolean[] matched = evaluate("""
                rule a { condition: uint16be(4095) == 0x1122 and uint16(4095) == 0x2211 and uint16(0) == 0x5a4d
                    and uint8(4096) == 0x22 and int32(filesize - 4) == 0 and not defined uint32(filesize - 3) }
                """, input);
        assertThat(matched).containsExactly(true);
        // 4095 (its own block, as it crosses one), 0, 4096 and filesize - 4; filesize - 3 is refused before reading
        assertThat(input.reads).isEqualTo(4);
    }
}
