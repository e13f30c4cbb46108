package dev.vigil.updates.note;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.Vectors;
import dev.vigil.updates.checkpoint.Checkpoint;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.vigil.updates.Vectors.bool;
import static dev.vigil.updates.Vectors.list;
import static dev.vigil.updates.Vectors.map;
import static dev.vigil.updates.Vectors.str;
import static dev.vigil.updates.Vectors.strings;
import static dev.vigil.updates.Vectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** Every vector of notes/go-sumdb-note.json, notes/c2sp-spec-examples.json and notes/ed25519-keys.json. */
class NoteVectorsTest {

    @TestFactory
    Stream<DynamicTest> goSumdbNote() {
        return vectors("notes/go-sumdb-note.json");
    }

    @TestFactory
    Stream<DynamicTest> c2spSpecExamples() {
        return vectors("notes/c2sp-spec-examples.json");
    }

    private Stream<DynamicTest> vectors(String file) {
        List<Map<String, Object>> vs = list(Vectors.json(file), "vectors");
        assertThat(vs).isNotEmpty();
        return vs.stream().map(v -> DynamicTest.dynamicTest(str(v, "id"), () -> run(v)));
    }

    static void run(Map<String, Object> v) throws Exception {
        Map<String, Object> expect = map(v, "expect");
        switch (str(v, "kind")) {
            case "skey_to_vkey" -> {
                SignerKey key = SignerKey.parse(str(v, "skey"));
                assertThat(key.verifier().toString()).isEqualTo(str(expect, "vkey"));
                assertThat(KeyId.hex(key.keyId())).isEqualTo(str(expect, "key_id"));
                assertThat(key.toPrivateKeyString()).isEqualTo(str(v, "skey"));
            }
            case "seed_to_vkey" -> {
                SignerKey key = SignerKey.fromSeed(str(v, "name"), SignatureType.ED25519,
                        Vectors.hex(str(v, "seed_hex")));
                assertThat(key.verifier().toString()).isEqualTo(str(expect, "vkey"));
                assertThat(KeyId.hex(key.keyId())).isEqualTo(str(expect, "key_id"));
                if (v.get("skey_derived_here") != null) {
                    assertThat(key.toPrivateKeyString()).isEqualTo(str(v, "skey_derived_here"));
                }
            }
            case "sign" -> sign(v, expect);
            case "open" -> open(v, expect);
            case "parse_vkey" -> {
                if (bool(expect, "ok")) {
                    VerifierKey k = VerifierKey.parse(str(v, "vkey"));
                    assertThat(k.name()).isEqualTo(str(expect, "name"));
                    assertThat(KeyId.hex(k.keyId())).isEqualTo(str(expect, "key_id"));
                    assertThat((long) k.type()).isEqualTo(Vectors.num(expect, "type"));
                    assertThat(k.toString()).isEqualTo(str(v, "vkey"));
                } else {
                    assertThatThrownBy(() -> VerifierKey.parse(str(v, "vkey"))).isInstanceOf(FormatException.class);
                }
            }
            case "parse_skey" -> {
                assertThat(bool(expect, "ok")).isTrue();
                assertThat(SignerKey.parse(str(v, "skey")).toPrivateKeyString()).isEqualTo(str(v, "skey"));
            }
            case "parse_vkey_recipe" -> mangled(str(v, "vkey"), VerifierKey::parse);
            case "parse_skey_recipe" -> mangled(str(v, "skey"), SignerKey::parse);
            case "verifier_lookup" -> lookup(v);
            case "parse_checkpoint" -> {
                Note note = Note.parse(utf8(str(v, "msg")));
                Checkpoint cp = Checkpoint.parse(note.text());
                assertThat(cp.origin()).isEqualTo(str(expect, "origin"));
                assertThat(cp.size()).isEqualTo(Vectors.num(expect, "size"));
                assertThat(Encoding.base64(cp.root())).isEqualTo(str(expect, "root_b64"));
                assertThat(cp.extensions()).isEqualTo(strings(expect, "extension_lines"));
                assertThat(names(note.signatures())).isEqualTo(names(list(expect, "sigs")));
                // No key for it is published: it opens with no trusted key as "no verifiable signatures".
                assertThatThrownBy(() -> Notes.open(utf8(str(v, "msg")), Verifiers.of()))
                        .isInstanceOf(UnverifiedNoteException.class);
            }
            case "parse_cosignature" -> {
                Note note = Note.parse(utf8(str(v, "msg")));
                NoteSignature cosig = note.signatures().stream()
                        .filter(s -> s.name().equals(str(v, "cosigner_name"))).findFirst().orElseThrow();
                assertThat((long) cosig.payload().length).isEqualTo(Vectors.num(expect, "sig_len"));
                assertThat(KeyId.hex(cosig.keyId())).isEqualTo(str(expect, "key_id"));
                long ts = CosignatureV1.timestamp(cosig);
                assertThat(ts).isEqualTo(Vectors.num(expect, "timestamp"));
                assertThat(new String(CosignatureV1.message(ts, note.text()), StandardCharsets.UTF_8))
                        .isEqualTo(str(expect, "signed_message"));
            }
            default -> fail("unhandled vector kind " + str(v, "kind"));
        }
    }

    private static void sign(Map<String, Object> v, Map<String, Object> expect) throws Exception {
        byte[] text = utf8(str(v, "text"));
        String error = str(expect, "error");
        ThrowingSign op = () -> {
            List<NoteSignature> existing = new ArrayList<>();
            if (v.get("existing_sigs") != null) {
                for (Map<String, Object> s : list(v, "existing_sigs")) {
                    existing.add(existingSignature(s, v));
                }
            }
            NoteSigner[] signers = v.get("skey") == null ? new NoteSigner[0]
                    : new NoteSigner[] {SignerKey.parse(str(v, "skey"))};
            return Notes.sign(text, existing, signers);
        };
        if (error != null) {
            assertThatThrownBy(op::sign).isInstanceOf(FormatException.class);
        } else {
            assertThat(new String(op.sign().format(), StandardCharsets.UTF_8)).isEqualTo(str(expect, "msg"));
        }
    }

    /** Go's Sign re-serialises existing signatures only when no new signer replaces them, then checks them. */
    private static NoteSignature existingSignature(Map<String, Object> s, Map<String, Object> v) throws Exception {
        if (v.get("skey") != null) {
            SignerKey signer = SignerKey.parse(str(v, "skey"));
            if (signer.name().equals(str(s, "name")) && KeyId.hex(signer.keyId()).equals(str(s, "key_id"))) {
                return NoteSignature.of(str(s, "name"), signer.keyId(), Base64.getDecoder().decode(str(s, "b64")));
            }
        }
        return NoteSignature.fromBase64(str(s, "name"), (int) Long.parseLong(str(s, "key_id"), 16), str(s, "b64"));
    }

    interface ThrowingSign {
        Note sign() throws Exception;
    }

    private static void open(Map<String, Object> v, Map<String, Object> expect) throws Exception {
        byte[] msg = v.get("msg_b64") != null ? Base64.getDecoder().decode(str(v, "msg_b64")) : utf8(str(v, "msg"));
        List<VerifierKey> keys = new ArrayList<>();
        for (String vk : strings(v, "verifiers")) {
            keys.add(VerifierKey.parse(vk));
        }
        Verifiers verifiers = new Verifiers(keys);
        if (bool(expect, "ok")) {
            OpenedNote opened = Notes.open(msg, verifiers);
            assertThat(opened.textString()).isEqualTo(str(expect, "text"));
            assertThat(triples(opened.verified())).isEqualTo(triplesOf(list(expect, "verified")));
            if (expect.get("unverified") != null) {
                assertThat(triples(opened.unverified())).isEqualTo(triplesOf(list(expect, "unverified")));
            }
            return;
        }
        try {
            Notes.open(msg, verifiers);
            fail("note opened but must be rejected: " + expect.get("error"));
        } catch (UnverifiedNoteException e) {
            assertThat(str(expect, "error")).isEqualTo("note has no verifiable signatures");
            if (expect.get("unverified") != null) {
                assertThat(triples(e.unverified())).isEqualTo(triplesOf(list(expect, "unverified")));
            }
            if (expect.get("text") != null) {
                assertThat(e.note().textString()).isEqualTo(str(expect, "text"));
            }
        } catch (VerificationException e) {
            assertThat(str(expect, "error")).isNotEqualTo("malformed note").isNotEqualTo("note has no verifiable signatures");
            assertThat(e.getMessage()).isEqualTo(str(expect, "error"));
        } catch (FormatException e) {
            assertThat(str(expect, "error")).isEqualTo("malformed note");
        }
    }

    private static List<String> triples(List<NoteSignature> sigs) {
        return sigs.stream().map(s -> s.name() + " " + KeyId.hex(s.keyId()) + " " + s.base64()).toList();
    }

    private static List<String> triplesOf(List<Map<String, Object>> expected) {
        return expected.stream().map(m -> str(m, "name") + " " + str(m, "key_id") + " " + str(m, "b64")).toList();
    }

    private static List<String> names(List<?> sigs) {
        List<String> out = new ArrayList<>();
        for (Object o : sigs) {
            if (o instanceof NoteSignature s) {
                out.add(s.name() + "+" + KeyId.hex(s.keyId()));
            } else {
                @SuppressWarnings("unchecked")
                Map<String, Object> m = (Map<String, Object>) o;
                out.add(str(m, "name") + "+" + str(m, "key_id"));
            }
        }
        return out;
    }

    interface KeyParser {
        Object parse(String s) throws FormatException;
    }

    /** Every proper substring and every one-byte increment of a valid key must be refused. */
    private static void mangled(String key, KeyParser parser) throws FormatException {
        parser.parse(key);
        int rejected = 0;
        for (int i = 0; i < key.length(); i++) {
            for (int j = i + 1; j <= key.length(); j++) {
                if (i == 0 && j == key.length()) {
                    continue;
                }
                assertRejected(parser, key.substring(i, j));
                rejected++;
            }
        }
        byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            byte[] m = bytes.clone();
            m[i]++;
            assertRejected(parser, new String(m, StandardCharsets.UTF_8));
            rejected++;
        }
        assertThat(rejected).isGreaterThan(2000);
    }

    private static void assertRejected(KeyParser parser, String s) {
        try {
            parser.parse(s);
            fail("accepted mangled key " + s);
        } catch (FormatException expected) {
            // refused
        }
    }

    private static void lookup(Map<String, Object> v) throws Exception {
        List<VerifierKey> keys = new ArrayList<>();
        for (String vk : strings(v, "verifiers")) {
            keys.add(VerifierKey.parse(vk));
        }
        Verifiers set = new Verifiers(keys);
        for (Map<String, Object> l : list(v, "lookups")) {
            int id = (int) Long.parseLong(str(l, "key_id"), 16);
            Map<String, Object> e = map(l, "expect");
            if (bool(e, "ok")) {
                NoteVerifier found = set.require(str(l, "name"), id);
                assertThat(found.name()).isEqualTo(str(l, "name"));
                assertThat(found.keyId()).isEqualTo(id);
            } else {
                assertThatThrownBy(() -> set.require(str(l, "name"), id)).isInstanceOf(VerificationException.class)
                        .hasMessage(str(e, "error"));
            }
        }
    }

    @Test
    void everyDeterministicKeyDerivesItsVkeyAndKeyId() throws Exception {
        List<Map<String, Object>> keys = list(Vectors.json("notes/ed25519-keys.json"), "keys");
        assertThat(keys).hasSize(22);
        int derived = 0;
        for (Map<String, Object> k : keys) {
            String vkey = str(k, "vkey");
            // Type from the first base64 character: 'A' is 0x01, 'B' is 0x04 (the file's convention).
            byte type = vkey.split("\\+", 3)[2].charAt(0) == 'A' ? SignatureType.ED25519 : SignatureType.COSIGNATURE_V1;
            VerifierKey parsed = VerifierKey.parse(vkey);
            assertThat(parsed.type()).as(str(k, "id")).isEqualTo(type);
            assertThat(parsed.keyId()).isEqualTo(KeyId.compute(parsed.name(), type, parsed.publicKey()));
            assertThat(parsed.toString()).isEqualTo(vkey);
            if (k.get("skey") != null) {
                assertThat(SignerKey.parse(str(k, "skey")).verifier().toString()).isEqualTo(vkey);
                derived++;
            }
            if (k.get("seed") != null) {
                SignerKey s = SignerKey.fromSeed(parsed.name(), type, Vectors.hex(str(map(k, "seed"), "hex")));
                assertThat(s.verifier().toString()).isEqualTo(vkey);
                derived++;
            }
        }
        assertThat(derived).isGreaterThanOrEqualTo(14);
    }

    @Test
    void rawEd25519NotesVerifyWithTheirVkeys() throws Exception {
        String[][] pairs = {
            {"go-peterneumann.note", "go-peterneumann.vkey"},
            {"go-peterneumann+enochroot.note", "go-enochroot.vkey"},
            {"go-peterneumann+enochroot.note", "go-peterneumann.vkey"},
            {"c2sp-signed-note-example.note", "c2sp-signed-note-example.vkey"},
            {"sum.golang.org-6476701.checkpoint", "sum.golang.org.vkey"},
            {"sum.golang.org-6476701-extra-signers.checkpoint", "sum.golang.org.vkey"},
            {"rekor-local-1.checkpoint", "rekor-local.vkey"},
        };
        for (String[] p : pairs) {
            VerifierKey key = VerifierKey.parse(new String(Vectors.bytes("notes/raw/" + p[1]), StandardCharsets.UTF_8).strip());
            OpenedNote opened = Notes.open(Vectors.bytes("notes/raw/" + p[0]), Verifiers.of(key));
            assertThat(opened.verifiedBy(key)).as(p[0]).isTrue();
            // Byte-exact round trip of the whole note.
            assertThat(opened.note().format()).isEqualTo(Vectors.bytes("notes/raw/" + p[0]));
        }
        for (String unsignedByKnownKey : List.of("c2sp-signed-note-intro.note", "c2sp-behind-the-sofa.checkpoint",
                "c2sp-behind-the-sofa-cosigned.checkpoint")) {
            assertThatThrownBy(() -> Notes.open(Vectors.bytes("notes/raw/" + unsignedByKnownKey), Verifiers.of(
                    VerifierKey.parse("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"))))
                    .isInstanceOf(UnverifiedNoteException.class);
        }
    }
}
