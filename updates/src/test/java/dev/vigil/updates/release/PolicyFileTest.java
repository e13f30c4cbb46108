package dev.vigil.updates.release;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.policy.Quorum;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyFileTest {
    private static String key(String name, int seed, byte type) throws FormatException {
        return SignerKey.fromSeed(name, type, ReleaseFixture.seed(seed)).verifier().toString();
    }

    private static String valid() throws FormatException {
        return "# comment\nlog " + key("example.org/log", 1, SignatureType.ED25519) + "   # the log\n"
                + "release-key " + key("r1", 2, SignatureType.ED25519) + "\n"
                + "release-key " + key("r2", 3, SignatureType.ED25519) + "\n"
                + "release-threshold 2\n"
                + "witness " + key("w1", 4, SignatureType.COSIGNATURE_V1) + "\n"
                + "witness " + key("w2", 5, SignatureType.ED25519) + "\n"   // Ed25519 form taken as its cosigner key
                + "witness-quorum 1\n\tmax-age 90m\n";
    }

    @Test
    void parsesAndFormatsBack() throws Exception {
        ReleasePolicy p = PolicyFile.parse(valid().getBytes(StandardCharsets.UTF_8));
        assertThat(p.logOrigin()).isEqualTo("example.org/log");
        assertThat(p.threshold()).isEqualTo(2);
        assertThat(p.releaseKeys()).hasSize(2);
        assertThat(p.witnessKeys()).extracting(k -> k.name()).containsExactly("w1", "w2");
        assertThat(((Quorum.Group) p.witnessQuorum()).threshold()).isEqualTo(1);
        assertThat(p.maxCheckpointAge()).isEqualTo(Duration.ofMinutes(90));
        ReleasePolicy again = PolicyFile.parse(PolicyFile.format(p, 1).getBytes(StandardCharsets.UTF_8));
        assertThat(again.releaseKeys()).isEqualTo(p.releaseKeys());
        assertThat(again.witnessKeys()).isEqualTo(p.witnessKeys());
        assertThat(again.maxCheckpointAge()).isEqualTo(p.maxCheckpointAge());
        assertThat(again.logKey()).isEqualTo(p.logKey());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "release-threshold 2|release-threshold 3|release threshold must be 1..2",
            "release-threshold 2|release-threshold 2\\nrelease-threshold 2|release-threshold given twice",
            "witness-quorum 1|witness-quorum 3|witness-quorum 3 is larger than the 2 witnesses",
            "witness-quorum 1\\n|\\n|policy lists witnesses but no witness-quorum",
            "max-age 90m|max-age 0s|not a duration: 0s",
            "max-age 90m|max-age soon|not a duration: soon",
            "max-age 90m|frobnicate 1|unknown directive frobnicate",
            "release-threshold 2|release-threshold 2 extra|expected \"<directive> <value>\"",
            "release-threshold 2|release-threshold -1|expected a number from 1 to 9999",
            "# comment|log x+00000000+AAAA|unsupported key type",
    })
    void refuses(String from, String to, String message) throws Exception {
        String text = valid().replace(from.replace("\\n", "\n"), to.replace("\\n", "\n"));
        assertThatThrownBy(() -> PolicyFile.parse(text.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(FormatException.class).hasMessageContaining(message);
    }

    @Test
    void refusesMissingPartsAndDuplicates() throws Exception {
        String v = valid();
        String noLog = v.replaceAll("(?m)^log .*\n", "");
        assertThatThrownBy(() -> PolicyFile.parse(noLog.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("no log key");
        String dupKey = v + "release-key " + key("r3", 2, SignatureType.ED25519) + "\n";
        assertThatThrownBy(() -> PolicyFile.parse(dupKey.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("listed twice");
        String control = v + "\u0000";
        assertThatThrownBy(() -> PolicyFile.parse(control.getBytes(StandardCharsets.UTF_8))).hasMessageContaining("control");
        String cosignRelease = v + "release-key " + key("r4", 9, SignatureType.COSIGNATURE_V1) + "\n";
        assertThatThrownBy(() -> PolicyFile.parse(cosignRelease.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("release keys are Ed25519");
    }

    @Test
    void durations() throws Exception {
        assertThat(PolicyFile.duration("45s")).isEqualTo(Duration.ofSeconds(45));
        assertThat(PolicyFile.duration("2d")).isEqualTo(Duration.ofDays(2));
        assertThat(PolicyFile.duration("PT24H")).isEqualTo(Duration.ofHours(24));
        assertThatThrownBy(() -> PolicyFile.duration("-PT1H")).isInstanceOf(FormatException.class);
    }
}
