package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HeaderParserTest {
    @Test
    void parsesAllFieldsAndTrimsPadding() throws Exception {
        CvdContainer.Header h = HeaderParser.parseBlock(block("ClamAV-VDB:18 Aug 2024 04-38 -0400:27371:2065716:90:X:X:raynman:1723970292"), "f");

        assertThat(h).isEqualTo(new CvdContainer.Header("18 Aug 2024 04-38 -0400", 27371, 2065716, 90, "X", "X",
                "raynman", 1723970292L));
        assertThat(h.buildInstant()).isEqualTo(Instant.ofEpochSecond(1723970292L));
    }

    @Test
    void secondsFieldIsOptionalAsInOldHeaders() throws Exception {
        assertThat(HeaderParser.parseLine("ClamAV-VDB:t:1:2:3:X:X:me", "f", "h").buildTimeSeconds()).isZero();
    }

    @Test
    void headerEndsAtTheFirstNul() throws Exception {
        byte[] block = block("ClamAV-VDB:t:1:2:3:X:X:me:5");
        block[27] = 0;
        block[28] = 'Z';

        assertThat(HeaderParser.parseBlock(block, "f").buildTimeSeconds()).isEqualTo(5);
    }

    @Test
    void refusesWhatClamAvCannotParse() {
        assertRefused("Clamav-VDB:t:1:2:3:X:X:me:5", "does not start with \"ClamAV-VDB:\"");
        assertRefused("ClamAV-VDB:t:1:2:3:X:X", "at least 8 are required");
        assertRefused("ClamAV-VDB::1:2:3:X:X:me", "empty build time");
        assertRefused("ClamAV-VDB:t:-1:2:3:X:X:me", "version is not a decimal number: \"-1\"");
        assertRefused("ClamAV-VDB:t:1:2x:3:X:X:me", "signature count is not a decimal number");
        assertRefused("ClamAV-VDB:t:1:2:99999999999:X:X:me", "functionality level is not a decimal number");
        assertRefused("ClamAV-VDB:t:1:2:2147483648:X:X:me", "functionality level 2147483648 is out of range");
        assertRefused("ClamAV-VDB:t:1:2:3:X:X::5", "empty builder name");
        assertRefused("ClamAV-VDB:t:1:2:3:X:X:me:5s", "build time in seconds is not a decimal number");
        assertThatThrownBy(() -> HeaderParser.parseBlock(new byte[511], "f"))
                .hasMessageContaining("file has 511 bytes, shorter than the 512-byte container header");
    }

    private static void assertRefused(String line, String message) {
        assertThatThrownBy(() -> HeaderParser.parseBlock(block(line), "f")).isInstanceOf(DatabaseException.class)
                .hasMessageContaining(message);
    }

    private static byte[] block(String line) {
        byte[] block = new byte[512];
        Arrays.fill(block, (byte) ' ');
        byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, block, 0, bytes.length);
        return block;
    }
}
