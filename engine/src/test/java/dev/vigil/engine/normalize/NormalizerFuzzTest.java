package dev.vigil.engine.normalize;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.io.ScanInput;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes must normalise without an exception, within the output caps, and with the invariants of each view.
 * Normal runs replay the seeds in src/test/resources/.../NormalizerFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes.
 */
class NormalizerFuzzTest {
    private static final int CAP = 1 << 16;

    @FuzzTest(maxDuration = "60s")
    void text(byte[] data) {
        byte[] onePass = TextNormalizer.normalize(data, 0, data.length);
        assertThat(onePass.length).isLessThanOrEqualTo(data.length);
        for (int i = 0; i < onePass.length; i++) {
            int c = onePass[i] & 0xff;
            assertThat(c >= 0x20 && c <= 0x7f && !(c >= 'A' && c <= 'Z')).as("byte %d", c).isTrue();
            if (i > 0) {
                assertThat(c == ' ' && onePass[i - 1] == ' ').as("double space").isFalse();
            }
        }
        // below one scan window the windowed variants add nothing
        byte[] windowed = TextNormalizer.normalize(ScanInput.of(data), TextNormalizer.DEFAULT_MAX_SCRIPT_NORMALIZE,
                data.length % 64, data.length % 2 == 0, Long.MAX_VALUE);
        assertThat(Arrays.equals(windowed, onePass)).isTrue();
        byte[] capped = TextNormalizer.normalize(ScanInput.of(data), 7);
        assertThat(capped).isEqualTo(Arrays.copyOf(onePass, Math.min(7, onePass.length)));
    }

    @FuzzTest(maxDuration = "120s")
    void html(byte[] data) {
        HtmlViews v = HtmlNormalizer.normalize(ScanInput.of(data), CAP);
        assertThat(v).isNotNull();
        assertThat(v.noComment().length).isLessThanOrEqualTo(CAP);
        assertThat(v.noTags().length).isLessThanOrEqualTo(CAP);
        assertThat(v.dataUris().stream().mapToLong(b -> b.length).sum()).isLessThanOrEqualTo(CAP);
        // deterministic: the same input yields the same views
        HtmlViews again = HtmlNormalizer.normalize(ScanInput.of(data), CAP);
        assertThat(again.noComment()).isEqualTo(v.noComment());
        assertThat(again.noTags()).isEqualTo(v.noTags());
    }
}
