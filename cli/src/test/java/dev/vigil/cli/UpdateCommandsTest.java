package dev.vigil.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vigil keys / release / update / monitor} with real keys in temporary directories, over a directory mirror:
 * publish, update, monitor, refusals (exit 2, installed release untouched), and private keys never printed.
 */
class UpdateCommandsTest {
    static final String ORIGIN = "updates.vigil.test/log";

    @TempDir
    Path dir;
    /** Every run's output, to check at the end that no private key was ever printed. */
    private final List<CliRun> runs = new ArrayList<>();
    private String logVkey;
    private final List<String> releaseVkeys = new ArrayList<>();

    private CliRun vigil(String... args) {
        CliRun r = CliRun.run(dir, args);
        runs.add(r);
        return r;
    }

    @BeforeEach
    void keys() throws Exception {
        CliRun log = vigil("keys", "generate", "--name", ORIGIN, "--type", "log", "--out", "log.key");
        assertThat(log.status()).as(log.toString()).isZero();
        logVkey = log.out().strip();
        for (int i = 1; i <= 3; i++) {
            CliRun r = vigil("keys", "generate", "--name", "release-" + i + ".vigil.test", "--out", "release-" + i + ".key");
            assertThat(r.status()).as(r.toString()).isZero();
            releaseVkeys.add(r.out().strip());
        }
        Files.createDirectories(dir.resolve("src1"));
        Files.writeString(dir.resolve("src1/daily.ndb"), "Vigil.Test.Alpha:0:*:616c706861\nVigil.Test.Beta:0:*:62657461\n");
        Files.writeString(dir.resolve("src1/rules.yar"), "rule first_rule { condition: true }\nprivate rule helper { condition: false }\n");
        Files.createDirectories(dir.resolve("src2"));
        Files.writeString(dir.resolve("src2/daily.ndb"), "Vigil.Test.Alpha:0:*:616c706861\nVigil.Test.Gamma:0:*:67616d6d61\n");
        Files.writeString(dir.resolve("src2/rules.yar"), "rule first_rule { condition: true }\nprivate rule helper { condition: false }\n");
        writePolicy("policy", logVkey, 2);
    }

    private void writePolicy(String name, String logKey, int threshold) throws Exception {
        StringBuilder sb = new StringBuilder("# test policy\nlog " + logKey + "\n");
        for (String k : releaseVkeys) {
            sb.append("release-key ").append(k).append('\n');
        }
        sb.append("release-threshold ").append(threshold).append("\nmax-age 1h\n");
        Files.writeString(dir.resolve(name), sb.toString());
    }

    private CliRun release(int version, String src, String... keys) {
        List<String> args = new ArrayList<>(List.of("release", "--log-dir", "logstate", "--www", "www", "--channel",
                "stable", "--version", Integer.toString(version), "--min-engine", "0.1", "--log-key", "log.key"));
        for (String k : keys) {
            args.add("--key");
            args.add(k);
        }
        args.add(src + "/daily.ndb");
        args.add(src + "/rules.yar");
        return vigil(args.toArray(String[]::new));
    }

    private CliRun update(String policy) {
        return vigil("update", "--mirror", "www", "--policy", policy, "--channel", "stable", "--root", "client");
    }

    @Test
    void keysAreWrittenPrivatelyAndNeverPrinted() throws Exception {
        Path key = dir.resolve("log.key");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        String secret = Files.readString(key).strip();
        assertThat(secret).startsWith("PRIVATE+KEY+" + ORIGIN + "+");
        assertThat(logVkey).matches(java.util.regex.Pattern.quote(ORIGIN) + "\\+[0-9a-f]{8}\\+[A-Za-z0-9+/=]+");
        CliRun again = vigil("keys", "generate", "--name", "other", "--out", "log.key");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).contains("refusing to overwrite");
        assertThat(Files.readString(key).strip()).isEqualTo(secret);
        CliRun verifier = vigil("keys", "verifier", "log.key");
        assertThat(verifier.status()).isZero();
        assertThat(verifier.out().strip()).isEqualTo(logVkey);
        CliRun witness = vigil("keys", "generate", "--name", "witness.vigil.test", "--type", "witness", "--out", "w.key");
        assertThat(witness.status()).isZero();
        // cosignature/v1 verifier keys carry type byte 0x04
        String wkey = witness.out().strip();
        assertThat(wkey).startsWith("witness.vigil.test+");
        assertThat(java.util.Base64.getDecoder().decode(wkey.split("\\+", 3)[2])).startsWith(4);
        assertThat(vigil("keys", "generate", "--name", "x", "--type", "bogus", "--out", "x.key").status()).isEqualTo(2);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        CliRun open = vigil("keys", "verifier", "log.key");
        assertThat(open.status()).isEqualTo(1);
        assertThat(open.err()).contains("readable by others");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        release(1, "src1", "release-1.key", "release-2.key");
        assertNoSecretPrinted();
    }

    @Test
    void publishUpdateMonitor() throws Exception {
        CliRun r1 = release(1, "src1", "release-1.key", "release-2.key");
        assertThat(r1.status()).as(r1.toString()).isZero();
        assertThat(r1.out()).contains("published stable version 1 at log index 0; checkpoint size 1");
        CliRun u1 = update("policy");
        assertThat(u1.status()).as(u1.toString()).isZero();
        assertThat(u1.out()).contains("updated to stable version 1 (log index 0, checkpoint size 1)");
        assertThat(Files.readString(dir.resolve("client/current/daily.ndb"))).contains("Vigil.Test.Beta");
        CliRun same = update("policy");
        assertThat(same.status()).isZero();
        assertThat(same.out()).contains("up to date (stable version 1, checkpoint size 1)");

        CliRun r2 = release(2, "src2", "release-2.key", "release-3.key");
        assertThat(r2.status()).as(r2.toString()).isZero();
        assertThat(r2.out()).contains("version 2 at log index 1; checkpoint size 2");
        CliRun u2 = update("policy");
        assertThat(u2.status()).as(u2.toString()).isZero();
        assertThat(u2.out()).contains("updated to stable version 2");
        assertThat(Files.readString(dir.resolve("client/current/daily.ndb"))).contains("Vigil.Test.Gamma");

        String[] keyArgs = {"--release-key", releaseVkeys.get(0), "--release-key", releaseVkeys.get(1),
                "--release-key", releaseVkeys.get(2), "--threshold", "2"};
        List<String> args = new ArrayList<>(List.of("monitor", "--mirror", "www", "--log-key", logVkey,
                "--state", "monitor.state"));
        args.addAll(List.of(keyArgs));
        CliRun m = vigil(args.toArray(String[]::new));
        assertThat(m.status()).as(m.toString()).isZero();
        assertThat(m.out())
                .contains("entry 0: stable version 1 (min-engine 0.1), signed by release-1.vigil.test, release-2.vigil.test")
                .contains("  + Vigil.Test.Alpha\n  + Vigil.Test.Beta\n  + first_rule\n  + helper\n")
                .contains("entry 1: stable version 2 (min-engine 0.1), signed by release-2.vigil.test, release-3.vigil.test")
                .contains("  + Vigil.Test.Gamma\n  - Vigil.Test.Beta\n")
                .contains("2 release(s), 0 problem(s)");
        assertThat(Files.readString(dir.resolve("monitor.state"))).startsWith(ORIGIN + "\n2\n");
        // The monitor's second run proves the log consistent with the first; the policy file works as well.
        CliRun again = vigil("monitor", "--mirror", dir.resolve("www").toUri().toString(), "--policy", "policy",
                "--state", "monitor.state");
        assertThat(again.status()).as(again.toString()).isZero();
        assertNoSecretPrinted();
    }

    @Test
    void refusalsExitTwoAndLeaveTheInstallAlone() throws Exception {
        assertThat(release(1, "src1", "release-1.key", "release-2.key").status()).isZero();
        assertThat(update("policy").status()).isZero();
        Path installed = dir.resolve("client/current/daily.ndb");
        String before = Files.readString(installed);

        // a release signed by one key while the policy needs two
        assertThat(release(2, "src2", "release-3.key").status()).isZero();
        CliRun few = update("policy");
        assertThat(few.status()).as(few.toString()).isEqualTo(2);
        assertThat(few.err()).startsWith("update refused: RELEASE_THRESHOLD: manifest at index 1 is signed by 1 "
                + "release key(s), the policy needs 2");
        assertThat(Files.readString(installed)).isEqualTo(before);

        // a client pinning another log key
        CliRun other = vigil("keys", "generate", "--name", ORIGIN, "--type", "log", "--out", "other-log.key");
        writePolicy("policy-other-log", other.out().strip(), 2);
        CliRun wrongLog = update("policy-other-log");
        assertThat(wrongLog.status()).isEqualTo(2);
        assertThat(wrongLog.err()).contains("update refused: LOG_SIGNATURE");

        // a tampered artifact on the mirror (a fresh client, so that the threshold is not what fails)
        writePolicy("policy-1", logVkey, 1);
        try (var s = Files.list(dir.resolve("www/artifact"))) {
            for (Path p : s.toList()) {
                Files.writeString(p, Files.readString(p).replace("Vigil", "Evil!"));
            }
        }
        CliRun tampered = vigil("update", "--mirror", "www", "--policy", "policy-1", "--root", "client2");
        assertThat(tampered.status()).isEqualTo(2);
        assertThat(tampered.err()).contains("update refused: ARTIFACT_MISMATCH");
        assertThat(dir.resolve("client2/current")).doesNotExist();

        CliRun m = vigil("monitor", "--mirror", "www", "--policy", "policy");
        assertThat(m.status()).as(m.toString()).isEqualTo(2);
        assertThat(m.out()).contains("PROBLEM: log entry 1 is signed by 1 release key(s), the threshold is 2")
                .contains("does not match its SHA-256");
        CliRun badPolicy = vigil("update", "--mirror", "www", "--policy", "release-1.key", "--root", "client3");
        assertThat(badPolicy.status()).isEqualTo(1);
        assertThat(badPolicy.err()).contains("policy line 1: expected \"<directive> <value>\"");
        assertNoSecretPrinted();
    }

    @Test
    void releaseRefusesAnotherChannelHistoryOrBadInput() throws Exception {
        assertThat(release(1, "src1", "release-1.key", "release-2.key").status()).isZero();
        CliRun same = release(1, "src2", "release-1.key", "release-2.key");
        assertThat(same.status()).isEqualTo(1);
        assertThat(same.err()).contains("release refused: manifest must have a version above 1");
        CliRun witness = vigil("release", "--log-dir", "logstate", "--www", "www", "--channel", "stable",
                "--version", "2", "--min-engine", "0.1", "--log-key", "log.key", "--key", "release-1.key",
                "--witness", "nonsense", "src2/daily.ndb");
        assertThat(witness.status()).isEqualTo(1);
        assertThat(witness.err()).contains("--witness wants URL=VKEY");
        assertNoSecretPrinted();
    }

    private void assertNoSecretPrinted() throws Exception {
        List<String> secrets = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".key")).toList()) {
                String text = Files.readString(p).strip();
                secrets.add(text);
                secrets.add(text.split("\\+", 5)[4]); // the base64 secret alone (PRIVATE+KEY+name+id+key)
            }
        }
        assertThat(secrets).isNotEmpty();
        for (CliRun r : runs) {
            for (String secret : secrets) {
                assertThat(r.all()).doesNotContain(secret);
            }
        }
    }
}
