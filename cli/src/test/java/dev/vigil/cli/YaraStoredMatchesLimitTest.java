package dev.vigil.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A file whose strings would keep more matches than Vigil keeps per scan (dev.vigil.yara.strings.ScanScratch
 * .MAX_STORED_MATCHES) is an error of that file, like a timeout: nothing of it is printed, the other files are, and
 * the exit status is 1. yara 4.5.2 has no such bound (it keeps them all, gigabytes for tens of millions).
 */
class YaraStoredMatchesLimitTest {

    @TempDir
    Path dir;

    @Test
    void aFileOverTheBoundIsAnErrorAndTheOthersAreScanned() throws Exception {
        StringBuilder rules = new StringBuilder("rule zeros { strings:");
        for (int i = 0; i < 11; i++) {
            rules.append(" $z").append(i).append(" = {").append(" 00".repeat(i + 1)).append(" }");
        }
        rules.append(" condition: all of them }\nrule any_file { condition: true }\n");
        Files.writeString(dir.resolve("zeros.yar"), rules);
        Files.createDirectories(dir.resolve("files"));
        Files.write(dir.resolve("files/a_zeros.bin"), new byte[1_000_000]);
        Files.writeString(dir.resolve("files/b_text.txt"), "no zero byte here");

        Oracle.Output one = YaraOracle.vigil(dir, List.of("-w", "zeros.yar", "files/a_zeros.bin"));
        assertThat(one.stdout()).isEmpty();
        assertThat(one.stderr()).isEqualTo("error scanning files/a_zeros.bin: too many string matches in total "
                + "(Vigil keeps 10000000 per file)\n");
        assertThat(one.exit()).isEqualTo(1);

        Oracle.Output tree = YaraOracle.vigil(dir, List.of("-w", "-r", "zeros.yar", "files"));
        assertThat(tree.stdout()).isEqualTo("any_file files/b_text.txt\n");
        assertThat(tree.stderr()).contains("error scanning files/a_zeros.bin: too many string matches in total");
    }
}
