package dev.vigil.updates.policy;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.Vectors;
import dev.vigil.updates.checkpoint.SignedCheckpoint;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteVerifier;
import dev.vigil.updates.note.Notes;
import dev.vigil.updates.note.OpenedNote;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;
import dev.vigil.updates.note.Verifiers;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

/** witness/formats-witness-policy.json and the Rekor policy file of notes/rekor-v2-example.json. */
class PolicyVectorsTest {

    private static Map<String, Object> vector(String id) {
        return list(Vectors.json("witness/formats-witness-policy.json"), "vectors").stream()
                .filter(v -> str(v, "id").equals(id)).findFirst().orElseThrow();
    }

    @Test
    void parseTable() {
        List<Map<String, Object>> cases = list(vector("policy-parse"), "cases");
        assertThat(cases).hasSize(11);
        for (Map<String, Object> c : cases) {
            Map<String, Object> e = map(c, "expect");
            byte[] text = utf8(str(c, "policy"));
            if (!bool(e, "ok") || c.get("c2sp_note") != null) {
                // Includes the policies that reuse one public key for two witnesses, which tlog-policy forbids.
                assertThatThrownBy(() -> Policy.parse(text)).as(str(c, "desc")).isInstanceOf(FormatException.class);
                continue;
            }
            try {
                Quorum.Group g = (Quorum.Group) Policy.parse(text).quorum();
                assertThat((long) g.threshold()).isEqualTo(num(e, "quorum_threshold"));
                if (e.get("quorum_members") != null) {
                    assertThat((long) g.members().size()).isEqualTo(num(e, "quorum_members"));
                }
            } catch (FormatException ex) {
                fail(str(c, "desc") + ": " + ex.getMessage());
            }
        }
    }

    @Test
    void quorumRecipe() throws Exception {
        Map<String, Object> v = vector("group-satisfaction-recipe");
        Map<String, Object> keys = map(v, "keys");
        Map<String, SignerKey> cosigners = new java.util.HashMap<>();
        Map<String, NoteVerifier> verifiers = new java.util.HashMap<>();
        for (String name : keys.keySet()) {
            SignerKey k = SignerKey.parse(str(map(keys, name), "skey")).asType(SignatureType.COSIGNATURE_V1);
            cosigners.put(name, k);
            verifiers.put(name, Policy.cosignerKey(str(map(keys, name), "vkey")));
            assertThat(verifiers.get(name)).isEqualTo(k.verifier());
        }
        byte[] text = utf8(str(v, "note_text"));
        List<Map<String, Object>> cases = list(v, "cases");
        assertThat(cases).hasSize(12);
        for (Map<String, Object> c : cases) {
            List<SignerKey> signers = new ArrayList<>();
            for (String s : strings(c, "cosigners")) {
                signers.add(cosigners.get(s));
            }
            Set<NoteVerifier> cosigned = new HashSet<>();
            if (!signers.isEmpty()) {
                Note note = Notes.sign(text, signers.toArray(SignerKey[]::new));
                OpenedNote opened = Notes.open(note.format(), new Verifiers(new ArrayList<>(verifiers.values())));
                for (NoteVerifier k : verifiers.values()) {
                    if (opened.verifiedBy(k)) {
                        cosigned.add(k);
                    }
                }
            }
            Quorum q = new GroupNotation(str(c, "group"), verifiers).parse();
            assertThat(q.satisfiedBy(cosigned)).as(str(c, "desc")).isEqualTo(bool(map(c, "expect"), "satisfied"));
        }
        assertThat(new Quorum.Group("empty", 0, List.of()).satisfiedBy(Set.of())).isTrue();
    }

    @Test
    void witnessUrls() {
        for (Map<String, Object> c : list(vector("witness-urls"), "cases")) {
            assertThat(Policy.addCheckpointUrl(str(c, "submission_prefix")))
                    .isEqualTo(str(map(c, "expect"), "add_checkpoint_url"));
        }
    }

    @Test
    void rekorPolicyFile() throws Exception {
        Map<String, Object> v = list(Vectors.json("notes/rekor-v2-example.json"), "vectors").stream()
                .filter(x -> str(x, "kind").equals("parse_policy")).findFirst().orElseThrow();
        Map<String, Object> e = map(v, "expect");
        Policy p = Policy.parse(Vectors.bytes("notes/" + str(v, "policy_file")));
        List<Map<String, Object>> want = list(e, "witnesses");
        assertThat(p.witnesses()).hasSize(want.size());
        Quorum.Witness w = p.witnesses().get(0);
        assertThat(w.name()).isEqualTo(str(want.get(0), "name"));
        assertThat(w.url()).isEqualTo(str(want.get(0), "url"));
        assertThat(w.key()).isEqualTo(Policy.cosignerKey(str(want.get(0), "vkey")));
        assertThat(((Quorum.Witness) p.quorum()).name()).isEqualTo(str(e, "quorum"));
    }

    @Test
    void verifyUnderPolicy() throws Exception {
        SignerKey log = SignerKey.generate("example.org/log", SignatureType.ED25519, new java.security.SecureRandom());
        SignerKey w1 = SignerKey.generate("w1.example", SignatureType.COSIGNATURE_V1, new java.security.SecureRandom());
        SignerKey w2 = SignerKey.generate("w2.example", SignatureType.COSIGNATURE_V1, new java.security.SecureRandom());
        String policy = "log " + log.verifier() + "\nwitness a " + w1.verifier() + "\nwitness b " + w2.verifier()
                + "\ngroup both all a b\nquorum both\n";
        Policy p = Policy.parse(utf8(policy));
        var cp = new dev.vigil.updates.checkpoint.Checkpoint("example.org/log", 1,
                dev.vigil.updates.merkle.MerkleHash.leafHash(new byte[0]));
        SignedCheckpoint ok = p.verify(SignedCheckpoint.sign(cp, log, w1, w2).format());
        assertThat(ok.checkpoint()).isEqualTo(cp);
        assertThatThrownBy(() -> p.verify(SignedCheckpoint.sign(cp, log, w1).format()))
                .hasMessageContaining("quorum");
        assertThatThrownBy(() -> p.verify(SignedCheckpoint.sign(cp, w1, w2).format()))
                .isInstanceOf(dev.vigil.updates.VerificationException.class);
    }

    /** The recipe's group notation: {@code k(member, ...)} with witness names as leaves. */
    private static final class GroupNotation {
        private final String s;
        private final Map<String, NoteVerifier> keys;
        private int pos;

        GroupNotation(String s, Map<String, NoteVerifier> keys) {
            this.s = s.replace(" ", "");
            this.keys = keys;
        }

        Quorum parse() {
            int start = pos;
            while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                pos++;
            }
            String token = s.substring(start, pos);
            if (pos < s.length() && s.charAt(pos) == '(') {
                pos++;
                List<Quorum> members = new ArrayList<>();
                while (true) {
                    members.add(parse());
                    char c = s.charAt(pos++);
                    if (c == ')') {
                        break;
                    }
                }
                return new Quorum.Group("g", Integer.parseInt(token), members);
            }
            return new Quorum.Witness(token, keys.get(token), null);
        }
    }
}
