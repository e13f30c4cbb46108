package dev.vigil.yara.strings;

import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scan's atoms are Vigil's own choice (only their speed differs from YARA's; what matches is compared with yara
 * in YaraOptionsComparisonTest's atoms.yar). These are the choices that made the most atom hits over the benchmark
 * corpus before they were changed.
 */
class AtomChoiceTest {

    private static List<byte[]> atoms(StringDecl.Kind kind, String source, byte[] text, StringModifiers m) {
        return StringCompiler.compileString(new StringDecl("$a", kind, text, source, false, false, m, "t", 1, 1))
                .atoms();
    }

    @Test
    void aRunOfZerosGivesFourByteAtomsNotALoneZero() {
        // the best-scored window was the run's last byte alone: the padding penalty weighs 00 00 00 00 down
        List<byte[]> atoms = atoms(StringDecl.Kind.HEX,
                "00 00 00 00 00 00 ?? ?? 00 00 00 00 00 ?? ?? ?? 00 00", null, StringModifiers.NONE);
        assertThat(atoms).isNotEmpty().allSatisfy(a -> assertThat(a).hasSize(4));
    }

    @Test
    void aShortWindowGrowsWithinItsRunAndItsExpansionLimit() {
        // the best-scored window is 0? alone (16 one-byte atoms); grown, it takes in the three zeros before it
        List<byte[]> atoms = atoms(StringDecl.Kind.HEX, "?? 00 00 00 0? ??", null, StringModifiers.NONE);
        assertThat(atoms).hasSize(16).allSatisfy(a -> assertThat(a).hasSize(4).startsWith(0, 0, 0));
    }

    @Test
    void aWideTextGetsAWindowOfItsWideBytesWhenYarasIsOnlyZeros() {
        // yara's wide atom is the ascii window's first two characters, here 00 00 00 00
        byte[] text = "\0\0ER\0\0".getBytes(StandardCharsets.ISO_8859_1);
        StringModifiers wide = new StringModifiers(false, false, true, false, false, false, 0, 0, false, null, false,
                null);
        List<byte[]> atoms = atoms(StringDecl.Kind.TEXT, null, text, wide);
        assertThat(atoms).singleElement().satisfies(a -> assertThat(a).hasSize(4).containsAnyOf((byte) 'E',
                (byte) 'R'));
    }
}
