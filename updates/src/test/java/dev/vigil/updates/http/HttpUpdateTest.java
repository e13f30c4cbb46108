package dev.vigil.updates.http;

import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.log.LogWriter;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.release.Publisher;
import dev.vigil.updates.release.Release;
import dev.vigil.updates.release.UpdateClient;
import dev.vigil.updates.tiles.TileReader;
import dev.vigil.updates.witness.DirectoryWitnessState;
import dev.vigil.updates.witness.Witness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole update path over loopback HTTP: a publisher publishes releases into a directory, a StaticFileServer
 * serves it, three WitnessServers cosign each checkpoint through WitnessClient, and an UpdateClient reading through
 * HttpReleaseSource installs the newest release.
 */
class HttpUpdateTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    @Test
    void publishesCosignsAndInstallsOverHttp(@TempDir Path tmp) throws Exception {
        try (Site site = new Site(tmp);
             WitnessServer w0 = WitnessServer.start(site.witness(0));
             WitnessServer w1 = WitnessServer.start(site.witness(1));
             WitnessServer w2 = WitnessServer.start(site.witness(2));
             StaticFileServer files = StaticFileServer.start(site.www.root());
             HttpReleaseSource mirror = new HttpReleaseSource(files.uri(), TIMEOUT, TIMEOUT)) {
            List<WitnessClient> witnesses = List.of(
                    new WitnessClient(w0.uri(), site.witnessKeys[0].verifier(), TIMEOUT),
                    new WitnessClient(w1.uri(), site.witnessKeys[1].verifier(), TIMEOUT),
                    new WitnessClient(w2.uri(), site.witnessKeys[2].verifier(), TIMEOUT));
            UpdateClient client = site.client("a", mirror);

            long previousSize = 0;
            for (long version = 1; version <= 3; version++) {
                Publisher.Published p = site.publish(version);
                Note cosigned = WitnessClient.cosignAndPublish(site.publisher, p.checkpoint(), witnesses, 2,
                        previousSize, site.www);
                previousSize = site.log.publishedSize();
                assertThat(cosigned.signatures()).extracting(NoteSignature::name).containsExactlyInAnyOrder(
                        Site.ORIGIN, "witness-0.vigil.test", "witness-1.vigil.test", "witness-2.vigil.test");
                assertThat(site.publishedCheckpoint()).isEqualTo(cosigned);
                if (version == 1) {
                    assertThat(client.update()).get().extracting(r -> r.manifest().version()).isEqualTo(1L);
                }
            }

            // The client held release 1 and skips to 3, verifying the chain through 2, all over HTTP.
            Optional<Release> installed = client.update();
            assertThat(installed).isPresent();
            assertThat(installed.get().manifest().version()).isEqualTo(3);
            assertThat(client.state().version()).isEqualTo(3);
            for (var e : Site.contents(3).entrySet()) {
                assertThat(Files.readString(client.installed().resolve(e.getKey()), StandardCharsets.UTF_8))
                        .isEqualTo(e.getValue());
            }
            assertThat(client.update()).isEmpty();

            // A fresh client bootstraps straight to the newest release.
            assertThat(site.client("fresh", mirror).update()).get()
                    .extracting(r -> r.manifest().version()).isEqualTo(3L);
            witnesses.forEach(WitnessClient::close);
        }
    }

    @Test
    void wrongOldSizeGuessIsCorrectedByTheWitnessConflictAnswer(@TempDir Path tmp) throws Exception {
        try (Site site = new Site(tmp);
             WitnessServer w = WitnessServer.start(site.witness(0));
             WitnessClient client = new WitnessClient(w.uri(), site.witnessKeys[0].verifier(), TIMEOUT)) {
            site.publish(1);
            // The witness has seen nothing, the guess says 1: 409 "0", then the retry from 0 succeeds.
            assertThat(client.addCheckpoint(site.publishedCheckpoint(), 1, site.www)).hasSize(1);
            site.publish(2);
            site.publish(3);
            // The witness is at 1, the guess says 0: 409 "1", then a consistency proof from 1 to 3.
            List<NoteSignature> lines = client.addCheckpoint(site.publishedCheckpoint(), 0, site.www);
            assertThat(lines).singleElement().extracting(NoteSignature::name).isEqualTo("witness-0.vigil.test");
            // The witness is now at 3: the same checkpoint again is an equal-size request with no proof.
            assertThat(client.addCheckpoint(site.publishedCheckpoint(), 3, site.www)).hasSize(1);
            // A guess beyond the checkpoint (or a negative one, read as unsigned) starts from 0 and is corrected.
            site.publish(4);
            assertThat(client.addCheckpoint(site.publishedCheckpoint(), 9, site.www)).hasSize(1);
            site.publish(5);
            assertThat(client.addCheckpoint(site.publishedCheckpoint(), -1, site.www)).hasSize(1);
            // A witness ahead of the checkpoint (it saw size 5; this is size 3) is reported, not retried forever.
            byte[] root3 = new MerkleTree(new TileReader(site.www, 3)).root(3);
            Note older = SignedCheckpoint.sign(new Checkpoint(Site.ORIGIN, 3, root3), site.logKey);
            assertThatThrownBy(() -> client.addCheckpoint(older, 5, site.www))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("has already cosigned size 5 of " + Site.ORIGIN
                            + ", larger than this checkpoint's 3");
        }
    }

    @Test
    void fewerCosignaturesThanTheQuorumPublishNothing(@TempDir Path tmp) throws Exception {
        SignerKey stranger = SignerKey.fromSeed("witness-0.vigil.test", SignatureType.COSIGNATURE_V1, Site.seed(99));
        try (Site site = new Site(tmp)) {
            Witness unknownLog = new Witness(stranger, Map.of(), new DirectoryWitnessState(tmp.resolve("other")),
                    Clock.systemUTC());
            Witness impostorWitness = new Witness(stranger, Map.of(Site.ORIGIN, List.of(site.logKey.verifier())),
                    new DirectoryWitnessState(tmp.resolve("impostor")), Clock.systemUTC());
            try (WitnessServer good = WitnessServer.start(site.witness(1));
                 WitnessServer refusing = WitnessServer.start(unknownLog);
                 WitnessServer impostor = WitnessServer.start(impostorWitness)) {
                WitnessServer down = WitnessServer.start(site.witness(2));
                URI downUri = down.uri();
                down.close();
                Publisher.Published p = site.publish(1);
                byte[] before = site.www.read(LogWriter.CHECKPOINT, 1 << 16);
                List<WitnessClient> clients = new ArrayList<>(List.of(
                        new WitnessClient(good.uri(), site.witnessKeys[1].verifier(), TIMEOUT),
                        // answers 404 (unknown log)
                        new WitnessClient(refusing.uri(), site.witnessKeys[0].verifier(), TIMEOUT),
                        // cosigns, but with a key other than the pinned one: its lines are refused
                        new WitnessClient(impostor.uri(), site.witnessKeys[0].verifier(), TIMEOUT),
                        new WitnessClient(downUri, site.witnessKeys[2].verifier(), TIMEOUT)));
                assertThatThrownBy(() -> WitnessClient.cosignAndPublish(site.publisher, p.checkpoint(), clients, 2,
                        0, site.www))
                        .isInstanceOfSatisfying(WitnessQuorumException.class, e -> {
                            assertThat(e.cosigned()).isEqualTo(1);
                            assertThat(e.quorum()).isEqualTo(2);
                            assertThat(e.failures()).hasSize(3);
                        })
                        .hasMessageContaining("only 1 of the 2 witness cosignatures")
                        .hasMessageContaining("HTTP 404")
                        .hasMessageContaining("no valid cosignature by witness-0.vigil.test");
                assertThat(site.www.read(LogWriter.CHECKPOINT, 1 << 16)).isEqualTo(before);
                // One is enough when the quorum says so.
                Note one = WitnessClient.collect(p.checkpoint(), clients.subList(0, 1), 1, 1, site.www);
                assertThat(one.signatures()).extracting(NoteSignature::name)
                        .containsExactly(Site.ORIGIN, "witness-1.vigil.test");
                clients.forEach(WitnessClient::close);
            }
        }
    }
}
