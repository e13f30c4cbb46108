package dev.vigil.yara.strings;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class AtomQualityTest {

    /** The pairwise 4-byte form must score every window as the general one does (it picks literal atoms). */
    @Test
    void quality4AgreesWithTheGeneralQuality() {
        // bytes the score treats specially (common, letters in both cases) and ordinary ones, so that repeats occur
        int[] alphabet = {0x00, 0x20, 0x90, 0xCC, 0xFF, 'a', 'Z', 'q', 0x01, 0x7F, 0x80, 0x41};
        byte[] t = new byte[4];
        for (int a : alphabet) {
            for (int b : alphabet) {
                for (int c : alphabet) {
                    for (int d : alphabet) {
                        t[0] = (byte) a;
                        t[1] = (byte) b;
                        t[2] = (byte) c;
                        t[3] = (byte) d;
                        assertThat(AtomQuality.quality4(t, 0)).as("%02x %02x %02x %02x", a, b, c, d)
                                .isEqualTo(AtomQuality.quality(t, 0, 4));
                    }
                }
            }
        }
        Random random = new Random(7);
        byte[] text = new byte[4096];
        random.nextBytes(text);
        for (int i = 0; i + 4 <= text.length; i++) {
            assertThat(AtomQuality.quality4(text, i)).isEqualTo(AtomQuality.quality(text, i, 4));
        }
    }
}
