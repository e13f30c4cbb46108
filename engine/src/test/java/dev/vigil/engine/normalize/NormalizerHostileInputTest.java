package dev.vigil.engine.normalize;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Pathological shapes stay fast (linear) and within their output caps. */
class NormalizerHostileInputTest {
    private static final int SIZE = 1 << 20;

    private static byte[] repeat(String unit) {
        byte[] u = unit.getBytes(StandardCharsets.ISO_8859_1);
        byte[] out = new byte[SIZE];
        for (int i = 0; i < SIZE; i++) {
            out[i] = u[i % u.length];
        }
        return out;
    }

    private static long millis(byte[] data, int cap) {
        long t0 = System.nanoTime();
        HtmlViews v = HtmlNormalizer.normalize(ScanInput.of(data), cap);
        assertThat(v.noComment().length).isLessThanOrEqualTo(cap);
        assertThat(v.noTags().length).isLessThanOrEqualTo(cap);
        return (System.nanoTime() - t0) / 1_000_000;
    }

    @Test
    void pathologicalHtmlIsLinear() {
        String[] shapes = {
            "<", "<!--", "&#", "&#x1111111111111111111", "&aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "<a b=\"",
            "<a " + "x".repeat(5000), "<script>'", "<style>x", "\0", "\0\0\0\0\0\0\0a",
            "<%@ language=jscript.encode>#@~^AQAAAA==a^#~@", "<img src=data:,", "\u00e3\u0080\u0082",
            "<script language=vbscript.encode>#@~^", "<a x=y ",
        };
        for (String shape : shapes) {
            byte[] data = repeat(shape);
            long ms = millis(data, SIZE * 2);
            assertThat(ms).as("1 MiB of %s", shape.length() > 20 ? shape.substring(0, 20) : shape)
                    .isLessThan(10_000);
        }
    }

    @Test
    void oneGiantTokenWithoutWhitespace() {
        byte[] data = new byte[SIZE];
        Arrays.fill(data, (byte) 'a');
        data[0] = '<';
        assertThat(millis(data, 1 << 20)).isLessThan(10_000);
        HtmlViews v = HtmlNormalizer.normalize(ScanInput.of(data), 1 << 10);
        assertThat(v.truncated()).isTrue();
        assertThat(v.noComment()).hasSize(1 << 10);
    }

    @Test
    void textIsCappedAndLinear() {
        byte[] data = repeat("A \t\u0080");
        long t0 = System.nanoTime();
        byte[] out = TextNormalizer.normalize(ScanInput.of(data), 1000);
        assertThat(out).hasSize(1000);
        assertThat(TextNormalizer.normalize(ScanInput.of(data), SIZE)).hasSize(SIZE / 2);
        assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
        assertThat(TextNormalizer.normalize(ScanInput.of(data), SIZE - 1, 0, false, SIZE)).isNull();
    }
}
