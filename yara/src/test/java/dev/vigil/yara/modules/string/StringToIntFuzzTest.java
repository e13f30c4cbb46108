package dev.vigil.yara.modules.string;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.assertj.core.api.Assertions.assertThat;

/** string.to_int's strtoll emulation never throws, and agrees with Java on plain decimal numbers. */
class StringToIntFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void toInt(FuzzedDataProvider data) {
        long base = data.consumeLong(-2, 40);
        byte[] text = data.consumeRemainingAsBytes();
        Long value = StringModule.toInt(text, base);
        String s = new String(text, java.nio.charset.StandardCharsets.ISO_8859_1);
        if ((base == 10 || base == 0) && s.matches("-?[1-9][0-9]{0,17}")) {
            assertThat(value).isEqualTo(Long.parseLong(s));
        }
    }
}
