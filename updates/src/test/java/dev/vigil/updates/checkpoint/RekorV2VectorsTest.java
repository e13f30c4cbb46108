package dev.vigil.updates.checkpoint;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.Vectors;
import dev.vigil.updates.merkle.InMemoryTree;
import dev.vigil.updates.merkle.MerkleHash;
import dev.vigil.updates.merkle.MerkleTree;
import dev.vigil.updates.merkle.Proofs;
import dev.vigil.updates.note.Ed25519;
import dev.vigil.updates.note.KeyId;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.VerifierKey;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static dev.vigil.updates.Vectors.bool;
import static dev.vigil.updates.Vectors.list;
import static dev.vigil.updates.Vectors.map;
import static dev.vigil.updates.Vectors.num;
import static dev.vigil.updates.Vectors.str;
import static org.assertj.core.api.Assertions.assertThat;

/** notes/rekor-v2-example.json: Rekor v2 keys and its end-to-end example (the policy file: PolicyVectorsTest). */
class RekorV2VectorsTest {

    private static byte[] pem(String file) {
        String text = new String(Vectors.bytes("notes/" + file), StandardCharsets.US_ASCII);
        return Base64.getMimeDecoder().decode(text.replaceAll("-----[A-Z ]+-----", "").strip());
    }

    @Test
    void vectors() throws Exception {
        List<Map<String, Object>> vs = list(Vectors.json("notes/rekor-v2-example.json"), "vectors");
        assertThat(vs).hasSize(5);
        int covered = 0;
        for (Map<String, Object> v : vs) {
            Map<String, Object> e = map(v, "expect");
            switch (str(v, "kind")) {
                case "pem_to_vkey" -> {
                    byte[] pub = Ed25519.publicKeyFromSpki(pem(str(v, "public_key_pem_file")));
                    VerifierKey vkey = VerifierKey.ed25519(str(v, "name"), pub);
                    assertThat(vkey.toString()).isEqualTo(str(e, "vkey"));
                    assertThat(KeyId.hex(vkey.keyId())).isEqualTo(str(e, "key_id"));
                    byte[] seed = Ed25519.seedFromPkcs8(pem(str(v, "private_key_pem_file")));
                    SignerKey signer = SignerKey.fromSeed(str(v, "name"), SignatureType.ED25519, seed);
                    assertThat(signer.verifier().equals(vkey)).isEqualTo(bool(e, "private_matches_public"));
                    covered++;
                }
                case "key_id_full" -> {
                    VerifierKey k = VerifierKey.parse(str(v, "vkey"));
                    assertThat(Encoding.base64(KeyId.fullDigest(k.name(), k.type(), k.publicKey())))
                            .isEqualTo(str(e, "key_id_full_b64"));
                    covered++;
                }
                case "leaf_to_checkpoint" -> {
                    byte[] entry = Base64.getDecoder().decode(str(v, "entry_b64"));
                    InMemoryTree tree = new InMemoryTree();
                    tree.appendData(entry);
                    assertThat(Encoding.base64(tree.node(0, 0))).isEqualTo(str(e, "leaf_hash_b64"));
                    byte[] root = new MerkleTree(tree).root(num(v, "tree_size"));
                    assertThat(Encoding.base64(root)).isEqualTo(str(e, "root_b64"));
                    Proofs.verifyInclusion(num(v, "leaf_index"), num(v, "tree_size"), MerkleHash.leafHash(entry),
                            List.of(), root);
                    SignedCheckpoint sc = SignedCheckpoint.open(Vectors.utf8(str(v, "checkpoint")), str(e, "origin"),
                            VerifierKey.parse(str(v, "log_vkey")));
                    assertThat(bool(e, "checkpoint_verifies")).isTrue();
                    assertThat(sc.checkpoint().size()).isEqualTo(num(e, "size"));
                    assertThat(sc.checkpoint().root()).isEqualTo(root);
                    covered++;
                }
                case "skey_to_vkey" -> {
                    String skey = new String(Vectors.bytes("notes/" + str(v, "skey_file")), StandardCharsets.UTF_8).strip();
                    assertThat(skey).isEqualTo(str(v, "skey"));
                    assertThat(SignerKey.parse(skey).verifier().toString()).isEqualTo(str(e, "vkey"));
                    covered++;
                }
                case "parse_policy" -> {
                    // Covered by policy.PolicyVectorsTest#rekorPolicyFile.
                }
                default -> throw new AssertionError("unhandled kind " + str(v, "kind"));
            }
        }
        assertThat(covered).isEqualTo(4);
    }
}
