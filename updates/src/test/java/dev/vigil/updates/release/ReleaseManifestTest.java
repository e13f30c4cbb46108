package dev.vigil.updates.release;

import dev.vigil.updates.FormatException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ReleaseManifestTest {
    static final String HASH = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
    static final String VALID = "vigil-release/v1\nchannel stable\nversion 7\nmin-engine 0.1.0\nprevious " + HASH + "\n"
            + "artifact daily.cvd 4 " + HASH + "\nartifact main.hdb 0 " + HASH + "\n";

    @Test
    void roundTripsByteForByte() throws Exception {
        ReleaseManifest m = ReleaseManifest.parse(VALID.getBytes(StandardCharsets.US_ASCII));
        assertThat(m.channel()).isEqualTo("stable");
        assertThat(m.version()).isEqualTo(7);
        assertThat(m.artifacts()).extracting(ReleaseManifest.Artifact::name).containsExactly("daily.cvd", "main.hdb");
        assertThat(new String(m.format(), StandardCharsets.US_ASCII)).isEqualTo(VALID);
        assertThat(ReleaseManifest.of(m.channel(), m.version(), m.minEngine(), m.previous(), m.artifacts())).isEqualTo(m);
        // The manifest hash is SHA-256 of the canonical text.
        assertThat(m.hash()).isEqualTo(java.security.MessageDigest.getInstance("SHA-256")
                .digest(VALID.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void firstReleaseHasNoPrevious() throws Exception {
        String text = VALID.replace("previous " + HASH, "previous none");
        ReleaseManifest m = ReleaseManifest.parse(text.getBytes(StandardCharsets.US_ASCII));
        assertThat(m.previous()).isNull();
        assertThat(new String(m.format(), StandardCharsets.US_ASCII)).isEqualTo(text);
    }

    /** Every variant that format() would never write is refused: one encoding per manifest. */
    @ParameterizedTest
    @ValueSource(strings = {
            "version 7\n>version 07\n", "version 7\n>version +7\n", "version 7\n>version 0\n",
            "version 7\n>version 9223372036854775808\n", "channel stable\n>channel Stable\n",
            "channel stable\n>channel  stable\n", "min-engine 0.1.0\n>min-engine 0.01.0\n",
            "min-engine 0.1.0\n>min-engine 1.2.3.4.5\n", "min-engine 0.1.0\n>min-engine v1\n",
            "artifact daily.cvd>artifact ../daily.cvd", "artifact daily.cvd>artifact a/daily.cvd",
            "artifact daily.cvd>artifact .daily.cvd", "artifact daily.cvd>artifact ..",
            "artifact daily.cvd>artifact zz.cvd", "artifact main.hdb>artifact daily.cvd",
            "daily.cvd 4 >daily.cvd 04 ", "daily.cvd 4 >daily.cvd -4 ", "daily.cvd 4 9f>daily.cvd 4 9F",
            "daily.cvd 4 9f>daily.cvd 4  9f", "vigil-release/v1\n>vigil-release/v2\n",
            "vigil-release/v1\n>\nvigil-release/v1\n", "\nartifact main>\n\nartifact main",
            "previous 9f>previous 9F", "previous 9f86>previous 9f8", "0a08\n>0a08 \n",
            "vigil-release/v1\nchannel stable\n>vigil-release/v1\r\nchannel stable\n",
            "channel stable>channel st\u00e9ble",
    })
    void refusesNonCanonicalVariants(String edit) {
        String[] fromTo = edit.split(">", 2);
        assertThat(VALID).contains(fromTo[0]);
        byte[] text = VALID.replaceFirst(java.util.regex.Pattern.quote(fromTo[0]),
                java.util.regex.Matcher.quoteReplacement(fromTo[1])).getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ReleaseManifest.parse(text)).isInstanceOf(FormatException.class);
    }

    @Test
    void refusesTruncationsAndEmptyArtifactList() {
        byte[] all = VALID.getBytes(StandardCharsets.US_ASCII);
        for (int n = 0; n < all.length; n++) {
            byte[] prefix = java.util.Arrays.copyOf(all, n);
            String s = new String(prefix, StandardCharsets.US_ASCII);
            boolean canonicalPrefix = s.equals(VALID.substring(0, VALID.indexOf("artifact main.hdb")));
            if (canonicalPrefix) {
                continue; // a manifest with just the first artifact is valid
            }
            assertThatThrownBy(() -> ReleaseManifest.parse(prefix)).as("prefix of %d bytes", n)
                    .isInstanceOf(FormatException.class);
        }
    }

    @Test
    void comparesEngineVersionsNumerically() {
        assertThat(ReleaseManifest.compareEngineVersions("1.10", "1.9")).isPositive();
        assertThat(ReleaseManifest.compareEngineVersions("1.0.0", "1")).isZero();
        assertThat(ReleaseManifest.compareEngineVersions("0.9.9", "1.0")).isNegative();
    }

    @Test
    void publisherRefusesReleasesThatWouldNotChainOrMatch(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        try (ReleaseFixture f = new ReleaseFixture(tmp)) {
            f.publish(1);
            ReleaseManifest v1 = f.last;
            ReleaseManifest same = ReleaseManifest.of(ReleaseFixture.CHANNEL, 1, "1.0.0", v1.hash(), v1.artifacts());
            assertThatThrownBy(() -> f.publisher.publish(same, Files.exists(tmp) ? java.util.Map.of() : null,
                    f.logKey, List.of(f.releaseKeys[0]))).isInstanceOf(IllegalArgumentException.class);
            ReleaseManifest unchained = ReleaseManifest.of(ReleaseFixture.CHANNEL, 2, "1.0.0", null, v1.artifacts());
            ReleaseManifest m2 = f.manifest(2, java.util.Map.of("x.ndb", "abc"));
            java.util.Map<String, Path> files = f.files(m2);
            assertThatThrownBy(() -> f.publisher.publish(unchained, files, f.logKey, List.of(f.releaseKeys[0])))
                    .isInstanceOf(IllegalArgumentException.class);
            // A file that does not match its declared hash never reaches the release directory.
            Files.writeString(files.get("x.ndb"), "abd");
            assertThatThrownBy(() -> f.publisher.publish(m2, files, f.logKey, List.of(f.releaseKeys[0])))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SHA-256");
            assertThat(f.log.size()).isEqualTo(1);
        }
    }
}
