package dev.vigil.updates.checkpoint;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.Vectors;
import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.note.KeyId;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.OpenedNote;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.note.Verifiers;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

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

/** Every vector of notes/go-sumdb-tlog.json and notes/formats-checkpoint.json, read strictly (C2SP). */
class CheckpointVectorsTest {
    private static final String A_ROOT = Encoding.base64(MerkleHash.leafHash(new byte[0]));

    @TestFactory
    Stream<DynamicTest> goSumdbTlog() {
        return vectors("notes/go-sumdb-tlog.json");
    }

    @TestFactory
    Stream<DynamicTest> formatsCheckpoint() {
        return vectors("notes/formats-checkpoint.json");
    }

    private Stream<DynamicTest> vectors(String file) {
        return list(Vectors.json(file), "vectors").stream()
                .map(v -> DynamicTest.dynamicTest(str(v, "id"), () -> run(v)));
    }

    private static void run(Map<String, Object> v) throws Exception {
        Map<String, Object> expect = map(v, "expect");
        switch (str(v, "kind")) {
            case "leaf_hash" -> assertThat(Encoding.base64(MerkleHash.leafHash(utf8(str(v, "entry")))))
                    .isEqualTo(str(expect, "hash_b64"));
            case "tree_hash" -> {
                assertThat(num(v, "size")).isZero();
                assertThat(Encoding.hex(MerkleHash.emptyRoot())).isEqualTo(str(expect, "hash_hex"));
            }
            case "format_checkpoint_body" -> {
                Checkpoint cp = new Checkpoint(str(v, "origin"), num(v, "size"),
                        Encoding.decodeBase64(str(v, "root_b64"), "root"));
                assertThat(new String(cp.formatChecked(), StandardCharsets.UTF_8)).isEqualTo(str(expect, "text"));
            }
            case "parse_checkpoint_body" -> parseSumdbBody(str(v, "text"), expect);
            case "parse_checkpoint_with_log_key" -> withLogKey(v, expect);
            case "sign_then_parse_recipe" -> recipe(v);
            case "parse_checkpoint_body_table" -> bodyTable(v);
            case "format_checkpoint_body_table" -> {
                for (Map<String, Object> c : list(v, "cases")) {
                    Checkpoint cp = new Checkpoint(str(c, "origin"), num(c, "size"), utf8(str(c, "hash_utf8")));
                    assertThat(new String(cp.format(), StandardCharsets.UTF_8)).isEqualTo(str(map(c, "expect"), "text"));
                    // The "hash" is not 32 bytes, so the strict form refuses it.
                    assertThatThrownBy(cp::formatChecked).isInstanceOf(FormatException.class);
                }
            }
            default -> fail("unhandled vector kind " + str(v, "kind"));
        }
    }

    /** Go's ParseTree, which also pins the origin "go.sum database tree". */
    private static void parseSumdbBody(String text, Map<String, Object> expect) {
        boolean ok;
        Checkpoint cp = null;
        try {
            cp = Checkpoint.parse(utf8(text));
            ok = cp.origin().equals("go.sum database tree");
        } catch (FormatException e) {
            ok = false;
        }
        if (!text.endsWith("\n")) {
            // Go ignores anything after the root line; C2SP requires every line to end in a newline.
            assertThat(ok).as("strict: a text without final newline is refused").isFalse();
            return;
        }
        assertThat(ok).isEqualTo(bool(expect, "ok"));
        if (ok) {
            assertThat(cp.size()).isEqualTo(num(expect, "size"));
            if (expect.get("root_b64") != null) {
                assertThat(Encoding.base64(cp.root())).isEqualTo(str(expect, "root_b64"));
            }
        }
    }

    private static void withLogKey(Map<String, Object> v, Map<String, Object> expect) throws Exception {
        VerifierKey log = VerifierKey.parse(str(v, "log_vkey"));
        List<VerifierKey> others = new ArrayList<>();
        if (v.get("other_vkeys") != null) {
            for (String s : strings(v, "other_vkeys")) {
                others.add(VerifierKey.parse(s));
            }
        }
        byte[] msg = utf8(str(v, "msg"));
        if (!bool(expect, "ok")) {
            assertThatThrownBy(() -> SignedCheckpoint.open(msg, str(v, "expected_origin"), log, others))
                    .isInstanceOf(VerificationException.class);
            return;
        }
        SignedCheckpoint sc = SignedCheckpoint.open(msg, str(v, "expected_origin"), log, others);
        assertThat(sc.checkpoint().size()).isEqualTo(num(expect, "size"));
        if (expect.get("root_b64") != null) {
            assertThat(Encoding.base64(sc.checkpoint().root())).isEqualTo(str(expect, "root_b64"));
            assertThat(sc.checkpoint().origin()).isEqualTo(str(expect, "origin"));
        }
        assertThat(ids(sc.note().verified())).isEqualTo(idsOf(list(expect, "verified")));
        if (expect.get("unverified") != null) {
            assertThat(ids(sc.note().unverified())).isEqualTo(idsOf(list(expect, "unverified")));
        }
    }

    /**
     * Signs each case and opens it with the log key plus two others. The recipe's body has a 6-byte root, which a
     * strict client refuses; the same case is then re-run with a 32-byte root, where ok must match exactly.
     */
    private static void recipe(Map<String, Object> v) throws Exception {
        Map<String, Object> keys = map(v, "keys");
        VerifierKey log = VerifierKey.parse(str(map(keys, str(v, "log_key")), "vkey"));
        List<VerifierKey> others = new ArrayList<>();
        for (String k : strings(v, "other_keys")) {
            others.add(VerifierKey.parse(str(map(keys, k), "vkey")));
        }
        List<VerifierKey> all = new ArrayList<>(others);
        all.add(0, log);
        for (Map<String, Object> c : list(v, "cases")) {
            Map<String, Object> expect = map(c, "expect");
            List<SignerKey> signers = new ArrayList<>();
            for (String s : strings(c, "signers")) {
                signers.add(SignerKey.parse(str(map(keys, s), "skey")));
            }
            String body = str(c, "body");
            String strictBody = body.replace("YWJjZGVm", A_ROOT);
            for (String b : List.of(body, strictBody)) {
                byte[] msg = signedOrBare(b, signers);
                int verified = verifiedCount(msg, all);
                if (!signers.isEmpty()) {
                    assertThat((long) verified).as(str(c, "desc")).isEqualTo(num(expect, "verified_count"));
                }
                boolean ok;
                try {
                    SignedCheckpoint.open(msg, str(c, "expected_origin"), log, others);
                    ok = true;
                } catch (FormatException | VerificationException e) {
                    ok = false;
                }
                boolean want = b.equals(strictBody) && bool(expect, "ok");
                assertThat(ok).as(str(c, "desc") + " / " + b).isEqualTo(want);
            }
        }
    }

    private static byte[] signedOrBare(String body, List<SignerKey> signers) throws FormatException {
        if (signers.isEmpty()) {
            return (body + "\n").getBytes(StandardCharsets.UTF_8);
        }
        return Notes.sign(utf8(body), signers.toArray(SignerKey[]::new)).format();
    }

    private static int verifiedCount(byte[] msg, List<VerifierKey> keys) {
        try {
            OpenedNote n = Notes.open(msg, new Verifiers(keys));
            return n.verified().size();
        } catch (FormatException | VerificationException e) {
            return 0;
        }
    }

    private static void bodyTable(Map<String, Object> v) {
        for (Map<String, Object> c : list(v, "cases")) {
            Map<String, Object> e = map(c, "expect_formats");
            String text = str(c, "text");
            assertThatThrownBy(() -> Checkpoint.parse(utf8(text))).as(str(c, "desc")).isInstanceOf(FormatException.class);
            if (!bool(e, "ok")) {
                continue;
            }
            // formats accepted it only because it takes any root length: with a real root, the same lines parse.
            String[] lines = text.split("\n", 4);
            String fixed = lines[0] + "\n" + lines[1] + "\n" + A_ROOT + "\n" + (lines.length > 3 ? lines[3] : "");
            if (c.get("c2sp_note") != null) {
                assertThatThrownBy(() -> Checkpoint.parse(utf8(fixed))).isInstanceOf(FormatException.class);
                continue;
            }
            try {
                Checkpoint cp = Checkpoint.parse(utf8(fixed));
                assertThat(cp.origin()).isEqualTo(str(e, "origin"));
                assertThat(cp.size()).isEqualTo(num(e, "size"));
                String rest = e.get("rest") == null ? "" : str(e, "rest");
                assertThat(String.join("", cp.extensions().stream().map(x -> x + "\n").toList())).isEqualTo(rest);
            } catch (FormatException ex) {
                fail(str(c, "desc") + ": " + ex.getMessage());
            }
        }
    }

    private static List<String> ids(List<NoteSignature> sigs) {
        return sigs.stream().map(s -> s.name() + "+" + KeyId.hex(s.keyId())).toList();
    }

    private static List<String> idsOf(List<Map<String, Object>> m) {
        return m.stream().map(x -> str(x, "name") + "+" + str(x, "key_id")).toList();
    }

}
