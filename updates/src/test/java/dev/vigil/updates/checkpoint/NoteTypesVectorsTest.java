package dev.vigil.updates.checkpoint;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.Json;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.Vectors;
import dev.vigil.updates.note.CosignatureV1;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.VerifierKey;
import dev.vigil.updates.note.Verifiers;
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
import static dev.vigil.updates.Vectors.num;
import static dev.vigil.updates.Vectors.str;
import static dev.vigil.updates.Vectors.strings;
import static dev.vigil.updates.Vectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/** notes/formats-note-types.json: ECDSA 0x02, RFC 6962 0x05 and cosigner keys; and the raw ECDSA notes. */
class NoteTypesVectorsTest {

    @TestFactory
    Stream<DynamicTest> formatsNoteTypes() {
        List<Map<String, Object>> vs = list(Vectors.json("notes/formats-note-types.json"), "vectors");
        assertThat(vs).hasSize(34);
        return vs.stream().map(v -> DynamicTest.dynamicTest(str(v, "id"), () -> run(v)));
    }

    private static void run(Map<String, Object> v) throws Exception {
        Map<String, Object> expect = map(v, "expect");
        switch (str(v, "kind")) {
            case "parse_vkey" -> {
                if (bool(expect, "ok")) {
                    assertThat(VerifierKeys.parse(str(v, "vkey")).toString()).isEqualTo(str(v, "vkey"));
                } else {
                    assertThatThrownBy(() -> VerifierKeys.parse(str(v, "vkey"))).isInstanceOf(FormatException.class);
                }
            }
            case "open" -> {
                List<NoteVerifier> keys = new ArrayList<>();
                for (String k : strings(v, "verifiers")) {
                    keys.add(VerifierKeys.parse(k));
                }
                byte[] msg = utf8(str(v, "msg"));
                if (bool(expect, "ok")) {
                    assertThat(Notes.open(msg, new Verifiers(keys)).verified()).hasSize(1);
                } else {
                    assertThatThrownBy(() -> Notes.open(msg, new Verifiers(keys)))
                            .isInstanceOf(VerificationException.class);
                }
            }
            case "rfc6962_vkey_from_spki" -> {
                byte[] spki = Base64.getDecoder().decode(str(v, "spki_der_b64"));
                if (bool(expect, "ok")) {
                    assertThat(Rfc6962NoteVerifier.fromUrl(str(v, "url"), spki).toString()).isEqualTo(str(expect, "vkey"));
                } else {
                    assertThatThrownBy(() -> Rfc6962NoteVerifier.fromUrl(str(v, "url"), spki))
                            .isInstanceOf(FormatException.class);
                }
            }
            case "rfc6962_sth_to_checkpoint" -> sthToCheckpoint(v, expect);
            case "parse_cosigner_vkey" -> {
                String vkey = str(v, "vkey");
                if (bool(expect, "ok") && !str(v, "id").contains("mldsa")) {
                    VerifierKey k = cosignerKey(vkey);
                    assertThat(k.type()).isEqualTo(SignatureType.COSIGNATURE_V1);
                } else {
                    // Includes the ML-DSA key whose declared ID is wrong: formats never checks it, a strict parser does.
                    assertThatThrownBy(() -> cosignerKey(vkey)).isInstanceOf(FormatException.class);
                }
            }
            case "cosignature_timestamp" -> {
                if (bool(expect, "ok")) {
                    NoteSignature sig = NoteSignature.of("w", Encoding.decodeBase64(str(v, "sig_b64"), "sig"));
                    assertThat(CosignatureV1.timestamp(sig)).isEqualTo(num(expect, "timestamp"));
                } else {
                    assertThatThrownBy(() -> CosignatureV1.timestamp(
                            NoteSignature.of("w", Encoding.decodeBase64(str(v, "sig_b64"), "sig"))))
                            .isInstanceOf(FormatException.class);
                }
            }
            default -> fail("unhandled vector kind " + str(v, "kind"));
        }
    }

    /** A cosigner may be configured with its 0x01 vkey; the same key then signs as 0x04 under a new key ID. */
    private static VerifierKey cosignerKey(String vkey) throws FormatException {
        VerifierKey k = VerifierKey.parse(vkey);
        return k.type() == SignatureType.COSIGNATURE_V1 ? k : VerifierKey.cosignatureV1(k.name(), k.publicKey());
    }

    /** A CT get-sth answer turned into a checkpoint with a 0x05 signature line, then opened with the log's vkey. */
    @SuppressWarnings("unchecked")
    private static void sthToCheckpoint(Map<String, Object> v, Map<String, Object> expect) throws Exception {
        Rfc6962NoteVerifier key = Rfc6962NoteVerifier.parse(str(v, "vkey"));
        boolean ok;
        try {
            Map<String, Object> sth = (Map<String, Object>) Json.parse(str(v, "sth_json"));
            Checkpoint cp = new Checkpoint(key.name(), num(sth, "tree_size"),
                    Encoding.decodeBase64(str(sth, "sha256_root_hash"), "root"));
            byte[] ths = Encoding.decodeBase64(str(sth, "tree_head_signature"), "sig");
            long ts = num(sth, "timestamp");
            byte[] sig = new byte[8 + ths.length];
            for (int i = 0; i < 8; i++) {
                sig[i] = (byte) (ts >>> (56 - 8 * i));
            }
            System.arraycopy(ths, 0, sig, 8, ths.length);
            Note note = Note.of(cp.formatChecked(), List.of(NoteSignature.of(key.name(), key.keyId(), sig)));
            Notes.open(note.format(), Verifiers.of(key));
            if (bool(expect, "ok")) {
                assertThat(new String(cp.format(), StandardCharsets.UTF_8)).isEqualTo(str(expect, "text"));
                assertThat(ts).isEqualTo(num(expect, "timestamp_ms"));
            }
            ok = true;
        } catch (FormatException | VerificationException | RuntimeException e) {
            ok = false;
        }
        assertThat(ok).isEqualTo(bool(expect, "ok"));
    }

    @Test
    void rawEcdsaAndRfc6962CheckpointsVerify() throws Exception {
        String[][] pairs = {
            {"rekor.sigstore.dev-798034.checkpoint", "rekor.sigstore.dev.vkey"},
            {"rome.ct.filippo.io-2024h1-115474666.checkpoint", "rome.ct.filippo.io-2024h1.vkey"},
        };
        for (String[] p : pairs) {
            NoteVerifier key = VerifierKeys.parse(
                    new String(Vectors.bytes("notes/raw/" + p[1]), StandardCharsets.UTF_8).strip());
            assertThat(Notes.open(Vectors.bytes("notes/raw/" + p[0]), Verifiers.of(key)).verifiedBy(key)).isTrue();
        }
    }
}
