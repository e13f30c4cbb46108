package dev.vigil.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** C's strtol/atoi semantics; the oracle comparison of the accepted forms is in {@link YaraArgsTest}. */
class CNumbersTest {
    @Test
    void strtolBases() {
        assertThat(CNumbers.strtol("42")).isEqualTo(42);
        assertThat(CNumbers.strtol("0x1F")).isEqualTo(31);
        assertThat(CNumbers.strtol("0X1f")).isEqualTo(31);
        assertThat(CNumbers.strtol("017")).isEqualTo(15);
        assertThat(CNumbers.strtol("-8")).isEqualTo(-8);
        assertThat(CNumbers.strtol("  +8")).isEqualTo(8);
        assertThat(CNumbers.strtol("")).isEqualTo(0);
    }

    @Test
    void strtolRejectsLeftovers() {
        assertThat(CNumbers.strtol("08")).isNull();
        assertThat(CNumbers.strtol("0x")).isNull();
        assertThat(CNumbers.strtol("1k")).isNull();
        assertThat(CNumbers.strtol("7 ")).isNull();
        assertThat(CNumbers.strtol(" ")).isNull();
        assertThat(CNumbers.strtol("-")).isNull();
        assertThat(CNumbers.strtol("\u0661")).isNull(); // Arabic-Indic digit one: not a C digit
    }

    @Test
    void strtolSaturates() {
        assertThat(CNumbers.strtol("9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(CNumbers.strtol("9223372036854775808")).isEqualTo(Long.MAX_VALUE);
        assertThat(CNumbers.strtol("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
        assertThat(CNumbers.strtol("-99999999999999999999")).isEqualTo(Long.MIN_VALUE);
        assertThat(CNumbers.strtol("0xffffffffffffffffff")).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void atoiWrapsAt32Bits() {
        assertThat(CNumbers.atoi("5")).isEqualTo(5);
        assertThat(CNumbers.atoi("-5")).isEqualTo(-5);
        assertThat(CNumbers.atoi("4294967297")).isEqualTo(1);
        assertThat(CNumbers.atoi("2147483648")).isEqualTo(Integer.MIN_VALUE);
        assertThat(CNumbers.atoi("99999999999999999999")).isEqualTo(-1); // LONG_MAX truncated
    }

    @Test
    void externalTyping() {
        assertThat(YaraExternals.typed("1.5")).isEqualTo(1.5);
        assertThat(YaraExternals.typed("1.")).isEqualTo(1.0);
        assertThat(YaraExternals.typed("-2.25")).isEqualTo(-2.25);
        assertThat(YaraExternals.typed(".5")).isEqualTo(".5");
        assertThat(YaraExternals.typed("1.2.3")).isEqualTo("1.2.3");
        assertThat(YaraExternals.typed("12")).isEqualTo(12L);
        assertThat(YaraExternals.typed("-12")).isEqualTo(-12L);
        assertThat(YaraExternals.typed("-")).isEqualTo("-");
        assertThat(YaraExternals.typed("")).isEqualTo("");
        assertThat(YaraExternals.typed("0x10")).isEqualTo("0x10");
        assertThat(YaraExternals.typed("true")).isEqualTo(true);
        assertThat(YaraExternals.typed("false")).isEqualTo(false);
        assertThat(YaraExternals.typed("True")).isEqualTo("True");
        assertThat(YaraExternals.typed("4294967297")).isEqualTo(1L);
    }
}
