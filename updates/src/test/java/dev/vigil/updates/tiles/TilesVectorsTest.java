package dev.vigil.updates.tiles;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.Vectors;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.checkpoint.Rfc6962NoteVerifier;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.checkpoint.VerifierKeys;
import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.note.CosignatureV1;
import dev.vigil.updates.note.KeyId;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.OpenedNote;
import dev.vigil.updates.note.UnverifiedNoteException;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.note.Verifiers;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static dev.vigil.updates.Vectors.bool;
import static dev.vigil.updates.Vectors.list;
import static dev.vigil.updates.Vectors.map;
import static dev.vigil.updates.Vectors.num;
import static dev.vigil.updates.Vectors.str;
import static dev.vigil.updates.Vectors.strings;
import static dev.vigil.updates.Vectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** tiles/tile-paths.json and tiles/expected.json (Sunlight's Skylight test log, tiles and cosignatures). */
class TilesVectorsTest {
    private static final String MIRROR = "tiles/sunlight-skylight/witness/mirror/"
            + "000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706/";

    @Test
    void c2spTilePathsAndCounts() throws Exception {
        Map<String, Object> file = Vectors.json("tiles/tile-paths.json");
        List<Map<String, Object>> c2sp = list(file, "c2sp_tlog_tiles");
        assertThat(c2sp).hasSize(3);
        for (Map<String, Object> c : c2sp) {
            Map<String, Object> e = map(c, "expect");
            if (c.get("n") != null) {
                assertThat(TilePath.encodeIndex(num(c, "n"))).isEqualTo(str(e, "path_n"));
                TilePath t = TilePath.parse("tile/0/" + str(e, "path_n"));
                assertThat(t.index()).isEqualTo(num(c, "n"));
                continue;
            }
            List<TilePath> tiles = Tiles.forSize(num(c, "tree_size"));
            for (int level = 0; e.containsKey("level" + level + "_full"); level++) {
                int l = level;
                long full = tiles.stream().filter(t -> t.level() == l && !t.isPartial()).count();
                List<Integer> partial = tiles.stream().filter(t -> t.level() == l && t.isPartial())
                        .map(TilePath::width).toList();
                assertThat(full).as("level %d full", l).isEqualTo(num(e, "level" + l + "_full"));
                long want = num(e, "level" + l + "_partial_width");
                assertThat(partial).isEqualTo(want == 0 ? List.of() : List.of((int) want));
            }
        }
    }

    @Test
    void goSumdbTilePaths() {
        Map<String, Object> sumdb = map(Vectors.json("tiles/tile-paths.json"), "go_sumdb_tile_paths");
        List<Map<String, Object>> cases = list(sumdb, "cases");
        assertThat(cases).hasSize(8);
        for (Map<String, Object> c : cases) {
            Map<String, Object> e = map(c, "expect");
            String path = str(c, "path");
            if (!bool(e, "ok")) {
                assertThatThrownBy(() -> TilePath.parseSumdb(path)).isInstanceOf(FormatException.class);
                continue;
            }
            try {
                TilePath t = TilePath.parseSumdb(path);
                assertThat(t.height()).isEqualTo(num(e, "H"));
                assertThat((long) t.level()).isEqualTo(num(e, "L"));
                assertThat(t.index()).isEqualTo(num(e, "N"));
                assertThat((long) t.width()).isEqualTo(num(e, "W"));
                assertThat(t.sumdbPath()).isEqualTo(path);
            } catch (FormatException ex) {
                fail(path + ": " + ex.getMessage());
            }
        }
    }

    @Test
    void goNewTilesCounts() {
        Map<String, Object> nt = map(Vectors.json("tiles/tile-paths.json"), "go_sumdb_new_tiles");
        int height = (int) num(nt, "height");
        List<Map<String, Object>> cases = list(nt, "cases");
        assertThat(cases).hasSize(7);
        for (Map<String, Object> c : cases) {
            assertThat((long) Tiles.changed(height, num(c, "old"), num(c, "new"), false).size())
                    .as("%d -> %d", num(c, "old"), num(c, "new")).isEqualTo(num(c, "expect"));
        }
    }

    @TestFactory
    Stream<DynamicTest> sunlightExpected() {
        List<Map<String, Object>> checks = list(Vectors.json("tiles/expected.json"), "checks");
        assertThat(checks).hasSize(11);
        return checks.stream().map(c -> DynamicTest.dynamicTest(str(c, "id"), () -> run(c)));
    }

    private static void run(Map<String, Object> c) throws Exception {
        Map<String, Object> e = map(c, "expect");
        switch (str(c, "kind")) {
            case "tiles_to_root" -> tilesToRoot(c, e);
            case "cosignature_verify" -> cosignature(c, e);
            case "cosignature_verify_detached" -> {
                VerifierKey witness = VerifierKey.parse(str(c, "cosigner_vkey"));
                byte[] payload = Base64.getDecoder().decode(str(c, "cosignature_b64"));
                NoteSignature sig = NoteSignature.of(witness.name(), payload);
                assertThat(sig.keyId()).isEqualTo(witness.keyId());
                assertThat(witness.verify(utf8(str(c, "checkpoint_text")), sig.signature())).isEqualTo(bool(e, "verify"));
            }
            case "checkpoint_multi_verify" -> multiVerify(c, e);
            case "open_must_fail" -> {
                for (String f : strings(c, "files")) {
                    assertThatThrownBy(() -> Notes.open(Vectors.bytes("tiles/" + f), Verifiers.of()))
                            .isInstanceOf(FormatException.class);
                }
            }
            case "entry_bundle_vs_tile" -> fakeBundles(c, e);
            case "origin_hash" -> {
                for (Map<String, Object> x : list(c, "cases")) {
                    assertThat(Encoding.hex(KeyId.sha256Of(utf8(str(x, "origin"))))).isEqualTo(str(x, "expect_hex"));
                }
            }
            default -> fail("unhandled kind " + str(c, "kind"));
        }
    }

    private static void tilesToRoot(Map<String, Object> c, Map<String, Object> e) throws Exception {
        Map<String, Object> sizes = map(e, "tile_sizes");
        for (String rel : sizes.keySet()) {
            assertThat((long) Vectors.bytes(MIRROR + rel).length).isEqualTo(num(sizes, rel));
        }
        Checkpoint cp = Checkpoint.parse(Note.parse(Vectors.bytes(str(c, "checkpoint").startsWith("tiles/")
                ? str(c, "checkpoint") : "tiles/" + str(c, "checkpoint"))).text());
        long n = num(e, "leaf_count");
        assertThat(cp.size()).isEqualTo(n);
        TileReader reader = new TileReader(new DirectoryTiles(Vectors.file(MIRROR)), n);
        MerkleHash h = new MerkleHash();
        for (int i = 0; i < n; i++) {
            assertThat(reader.node(0, i)).isEqualTo(h.leaf(utf8("record " + i)));
        }
        // Level-1 tile hash 0 is the root of level-0 tile 000; node(8, 0) is read from tile/1/000.p/1.
        byte[] mth = h.completeRoot(Vectors.bytes(MIRROR + "tile/0/000"), 0, 256);
        assertThat(reader.node(8, 0)).isEqualTo(mth);
        byte[] root = new MerkleTree(reader).root(n);
        assertThat(Encoding.base64(root)).isEqualTo(str(e, "root_b64"));
        assertThat(root).isEqualTo(cp.root());
        // Every inclusion proof read from the tiles verifies against the checkpoint root.
        MerkleTree tree = new MerkleTree(reader);
        for (int i = 0; i < n; i += 7) {
            dev.vigil.updates.merkle.Proofs.verifyInclusion(i, n, h.leaf(utf8("record " + i)),
                    tree.inclusionProof(i, n), cp.root());
        }
    }

    private static void cosignature(Map<String, Object> c, Map<String, Object> e) throws Exception {
        VerifierKey cosigner = VerifierKey.parse(str(c, "cosigner_vkey"));
        if (c.get("cosigner_vkey_file") != null) {
            String json = new String(Vectors.bytes("tiles/" + str(c, "cosigner_vkey_file")), StandardCharsets.UTF_8);
            assertThat(json).contains(cosigner.toString());
        }
        byte[] msg = Vectors.bytes("tiles/" + str(c, "checkpoint"));
        if (!bool(e, "verify")) {
            assertThatThrownBy(() -> Notes.open(msg, Verifiers.of(cosigner))).isInstanceOf(UnverifiedNoteException.class);
            return;
        }
        OpenedNote opened = Notes.open(msg, Verifiers.of(cosigner));
        assertThat(opened.verifiedBy(cosigner)).isTrue();
        NoteSignature sig = opened.verified().get(0);
        assertThat(KeyId.hex(sig.keyId())).isEqualTo(str(e, "key_id"));
        long ts = CosignatureV1.timestamp(sig);
        assertThat(ts).isEqualTo(num(e, "timestamp"));
        if (e.get("signed_message") != null) {
            assertThat(new String(CosignatureV1.message(ts, opened.text()), StandardCharsets.UTF_8))
                    .isEqualTo(str(e, "signed_message"));
        }
        if (e.get("origin") != null) {
            assertThat(Checkpoint.parse(opened.text()).origin()).isEqualTo(str(e, "origin"));
        }
    }

    @SuppressWarnings("unchecked")
    private static void multiVerify(Map<String, Object> c, Map<String, Object> e) throws Exception {
        Map<String, Object> logJson = (Map<String, Object>) dev.vigil.updates.Json.parse(
                new String(Vectors.bytes("tiles/" + str(c, "log_key_file")), StandardCharsets.UTF_8));
        byte[] spki = Base64.getDecoder().decode(str(logJson, "key"));
        Rfc6962NoteVerifier log = Rfc6962NoteVerifier.fromUrl(str(logJson, "description"), spki);
        assertThat(KeyId.sha256Of(spki)).isEqualTo(Base64.getDecoder().decode(str(logJson, "log_id")));
        byte[] msg = Vectors.bytes("tiles/" + str(c, "checkpoint"));
        List<NoteVerifier> others = new ArrayList<>();
        if (c.get("cosigner_vkey") != null) {
            others.add(VerifierKeys.parse(str(c, "cosigner_vkey")));
        }
        if (e.containsKey("log_signature_present")) {
            assertThat(bool(e, "log_signature_present")).isFalse();
            Checkpoint cp = Checkpoint.parse(Note.parse(msg).text());
            assertThatThrownBy(() -> SignedCheckpoint.open(msg, cp.origin(), log, others))
                    .isInstanceOf(VerificationException.class);
            return;
        }
        String origin = Checkpoint.parse(Note.parse(msg).text()).origin();
        SignedCheckpoint sc = SignedCheckpoint.open(msg, origin, log, others);
        if (e.get("origin") != null) {
            assertThat(sc.checkpoint().origin()).isEqualTo(str(e, "origin"));
            assertThat(sc.checkpoint().size()).isEqualTo(num(e, "size"));
            assertThat(Encoding.base64(sc.checkpoint().root())).isEqualTo(str(e, "root_b64"));
        }
        List<Map<String, Object>> sigs = list(e, "sigs");
        assertThat(sc.note().verified()).hasSize(sigs.size());
        for (int i = 0; i < sigs.size(); i++) {
            Map<String, Object> want = sigs.get(i);
            NoteSignature got = sc.note().verified().get(i);
            assertThat(got.name()).isEqualTo(str(want, "name"));
            assertThat(KeyId.hex(got.keyId())).isEqualTo(str(want, "key_id"));
            if (want.get("timestamp_ms") != null) {
                assertThat(Rfc6962NoteVerifier.timestampMillis(got.signature())).isEqualTo(num(want, "timestamp_ms"));
            }
            if (want.get("timestamp") != null) {
                assertThat(CosignatureV1.timestamp(got)).isEqualTo(num(want, "timestamp"));
            }
        }
        if (e.containsKey("root_matches_mirror_tiles")) {
            byte[] tilesRoot = new MerkleTree(new TileReader(new DirectoryTiles(Vectors.file(MIRROR)), 300)).root(300);
            assertThat(java.util.Arrays.equals(tilesRoot, sc.checkpoint().root()))
                    .isEqualTo(bool(e, "root_matches_mirror_tiles"));
        }
    }

    private static void fakeBundles(Map<String, Object> c, Map<String, Object> e) throws IOException {
        List<String> files = strings(c, "files");
        List<String> texts = strings(e, "gunzipped_utf8");
        for (int i = 0; i < files.size(); i++) {
            byte[] gz = Vectors.bytes("tiles/" + files.get(i));
            byte[] plain;
            try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gz))) {
                plain = in.readNBytes(1 << 16);
            }
            assertThat(new String(plain, StandardCharsets.UTF_8)).isEqualTo(texts.get(i));
            int width = i == 0 ? 256 : 44;
            for (byte[] candidate : List.of(gz, plain)) {
                assertThatThrownBy(() -> EntryBundle.parse(candidate, width)).isInstanceOf(FormatException.class);
            }
        }
        // The bundle the log would have written: "record i" entries hash to tile/0/000 exactly.
        List<byte[]> entries = new ArrayList<>();
        for (int i = 0; i < 256; i++) {
            entries.add(utf8("record " + i));
        }
        byte[] bundle = EntryBundle.format(entries);
        MerkleHash h = new MerkleHash();
        byte[] tile = new byte[256 * 32];
        try {
            List<byte[]> parsed = EntryBundle.parse(bundle, 256);
            for (int i = 0; i < 256; i++) {
                System.arraycopy(h.leaf(parsed.get(i)), 0, tile, i * 32, 32);
            }
        } catch (FormatException ex) {
            fail(ex.getMessage());
        }
        assertThat(tile).isEqualTo(Vectors.bytes(MIRROR + "tile/0/000"));
    }
}
