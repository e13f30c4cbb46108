package dev.vigil.clamav.cvd;

import dev.vigil.clamav.DatabaseException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Structure rules of unsigned .info files; signed ones are covered through whole containers. */
class InfoFileTest {
    private static final String HEADER = "ClamAV-VDB:t:1:2:3:X:X:me:5\n";
    private static final String HASH = "0748b843a1cea3242d70531083b84f877d8de398cfefe65509b5d3bb1e3bcb57";

    @Test
    void firstListingOfANameWinsAndCrLfIsTolerated() throws Exception {
        InfoFile info = parse(HEADER + "a.ndb:44:" + HASH + "\r\na.ndb:9:" + HASH.toUpperCase() + "\nb.hdb:0:" + HASH);

        assertThat(info.files()).containsOnlyKeys("a.ndb", "b.hdb");
        assertThat(info.files().get("a.ndb").size()).isEqualTo(44);
        assertThat(info.header().version()).isEqualTo(1);
    }

    @Test
    void malformedListingsAreRefusedWithTheirLine() {
        assertRefused("a.ndb:44:" + HASH + "\n", "line 1: does not start with a ClamAV-VDB header line");
        assertRefused(HEADER + HEADER, "line 2: has a second ClamAV-VDB header line");
        assertRefused(HEADER + "a.ndb:44\n", "line 2: expected name:size:sha256");
        assertRefused(HEADER + "a.ndb:44:" + HASH + ":x\n", "line 2: expected name:size:sha256");
        assertRefused(HEADER + "\n", "line 2: expected name:size:sha256");
        assertRefused(HEADER + "a.ndb:4x:" + HASH + "\n", "line 2: invalid size \"4x\"");
        assertRefused(HEADER + "a.ndb:99999999999:" + HASH + "\n", "invalid size");
        assertRefused(HEADER + "a.ndb:4:" + HASH.substring(1) + "\n", "line 2: malformed SHA-256");
        assertRefused(HEADER + "a.ndb:4:" + HASH.replace('a', 'g') + "\n", "line 2: malformed SHA-256");
        assertRefused(HEADER + "a.n\0db:4:" + HASH + "\n", "line 2: contains a NUL byte");
        assertRefused(HEADER + "x".repeat(InfoFile.MAX_LINE + 1), "line 2: line is longer than 8191 bytes");
        assertRefused(HEADER, "lists no database files");
        assertRefused("", "is empty");
    }

    @Test
    void signedModeRequiresTheDsigLine() {
        assertThatThrownBy(() -> InfoFile.parse((HEADER + "a.ndb:44:" + HASH + "\n").getBytes(StandardCharsets.ISO_8859_1),
                "t.info", "f", InfoFile.SignatureMode.VERIFY)).hasMessageContaining("has no DSIG line");
        assertThatThrownBy(() -> InfoFile.parse((HEADER + "a.ndb:44:" + HASH + "\nDSIG:abc\n")
                .getBytes(StandardCharsets.ISO_8859_1), "t.info", "f", InfoFile.SignatureMode.VERIFY))
                .hasMessageContaining("line 3: digital signature (DSIG) does not verify");
    }

    @Test
    void skipModeStopsAtTheDsigLine() throws Exception {
        InfoFile info = InfoFile.parse((HEADER + "a.ndb:44:" + HASH + "\nDSIG:abc\ngarbage")
                .getBytes(StandardCharsets.ISO_8859_1), "t.info", "f", InfoFile.SignatureMode.SKIP);

        assertThat(info.files()).containsOnlyKeys("a.ndb");
    }

    private static InfoFile parse(String text) throws DatabaseException {
        return InfoFile.parse(text.getBytes(StandardCharsets.ISO_8859_1), "t.info", "f", InfoFile.SignatureMode.UNSIGNED);
    }

    private static void assertRefused(String text, String message) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(DatabaseException.class).hasMessageContaining(message);
    }
}
