package dev.vigil.updates.release;

import dev.vigil.updates.VerificationException;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.monitor.LineSignatureNames;
import dev.vigil.updates.monitor.Monitor;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.policy.Policy;
import dev.vigil.updates.witness.Witness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The monitor's replay of a whole log: names added and removed, problems reported, consistency across runs. */
class MonitorTest {
    @TempDir
    Path dir;

    private Monitor.Config config(ReleaseFixture f) {
        ReleasePolicy p = f.policy();
        return new Monitor.Config(p.logOrigin(), p.logKey(), p.witnessKeys(), p.witnessQuorum(), p.releaseKeys(),
                p.threshold());
    }

    @Test
    void monitorReplaysEveryReleaseAndNamesWhatChanged() throws Exception {
        try (ReleaseFixture f = new ReleaseFixture(dir)) {
            for (int v = 1; v <= 3; v++) {
                f.publish(v);
            }
            Path scratch = Files.createDirectories(dir.resolve("scratch"));
            List<String> problems = new ArrayList<>();
            Monitor monitor = new Monitor(config(f), new DirectoryReleaseSource(f.www.root()), new LineSignatureNames(),
                    scratch);
            Monitor.Result r = monitor.run(null, listener(problems));
            assertThat(r.problems()).isEmpty();
            assertThat(r.cosigners()).hasSize(3);
            assertThat(r.releases()).hasSize(3);
            Monitor.ReleaseReport first = r.releases().get(0);
            assertThat(first.signers()).containsExactly("release-0.vigil.test", "release-1.vigil.test");
            assertThat(first.added()).containsExactly("Eicar", "Vigil.Test.Sig1");
            assertThat(first.removed()).isEmpty();
            Monitor.ReleaseReport second = r.releases().get(1);
            assertThat(second.added()).containsExactly("Vigil.Test.Sig2");
            assertThat(second.removed()).containsExactly("Vigil.Test.Sig1");
            assertThat(scratch).isEmptyDirectory();

            // The next run starts from the checkpoint this one verified; a smaller (other) log is not consistent.
            Checkpoint verified = r.checkpoint().checkpoint();
            f.publish(4);
            assertThat(monitor.run(verified, listener(problems)).releases()).hasSize(4);
            Checkpoint bogus = new Checkpoint(ReleaseFixture.ORIGIN, 2, new byte[32], List.of());
            assertThatThrownBy(() -> monitor.run(bogus, listener(problems)))
                    .isInstanceOf(VerificationException.class);
        }
    }

    @Test
    void monitorReportsTamperingAndWeakSignaturesAndGoesOn() throws Exception {
        try (ReleaseFixture f = new ReleaseFixture(dir)) {
            f.publish(1);
            f.publish(2, 1, 3); // one release signature, the policy wants two
            f.publish(3);
            try (var s = Files.list(f.wwwFile("artifact"))) {
                Path a = s.filter(p -> {
                    try {
                        return Files.readString(p).contains("Sig3");
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }).findFirst().orElseThrow();
                Files.writeString(a, Files.readString(a).replace("Sig3", "Sig9"));
            }
            Files.write(f.wwwFile("manifest/0"), "not the entry".getBytes());
            List<String> problems = new ArrayList<>();
            Monitor.Result r = new Monitor(config(f), new DirectoryReleaseSource(f.www.root()),
                    new LineSignatureNames(), Files.createDirectories(dir.resolve("s"))).run(null, listener(problems));
            assertThat(r.releases()).hasSize(3);
            assertThat(problems).hasSize(3);
            assertThat(problems.get(0)).startsWith("manifest/0 on the mirror differs from log entry 0");
            assertThat(problems.get(1)).isEqualTo("log entry 1 is signed by 1 release key(s), the threshold is 2");
            assertThat(problems.get(2)).startsWith("log entry 2: daily.ndb does not match its SHA-256");
            assertThat(r.ok()).isFalse();
        }
    }

    @Test
    void monitorWithoutReleaseKeysListsSignersUnchecked() throws Exception {
        try (ReleaseFixture f = new ReleaseFixture(dir)) {
            f.publish(1);
            List<NoteVerifier> none = List.of();
            Monitor.Config c = new Monitor.Config(ReleaseFixture.ORIGIN, f.logKey.verifier(), none,
                    new dev.vigil.updates.policy.Quorum.None(), List.<VerifierKey>of(), 0);
            Monitor.Result r = new Monitor(c, new DirectoryReleaseSource(f.www.root()), new LineSignatureNames(),
                    Files.createDirectories(dir.resolve("s"))).run(null, listener(new ArrayList<>()));
            assertThat(r.releases().get(0).signers())
                    .containsExactly("release-0.vigil.test (unchecked)", "release-1.vigil.test (unchecked)");
            assertThat(f.www.read(LogWriter.CHECKPOINT, 1 << 16)).isNotEmpty();
        }
    }

    private static Monitor.Listener listener(List<String> problems) {
        return new Monitor.Listener() {
            @Override
            public void release(Monitor.ReleaseReport report) {
            }

            @Override
            public void problem(String message) {
                problems.add(message);
            }
        };
    }
}
