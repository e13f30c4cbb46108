package dev.vigil.updates.witness;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.Vectors;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.note.KeyId;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static dev.vigil.updates.Vectors.list;
import static dev.vigil.updates.Vectors.map;
import static dev.vigil.updates.Vectors.num;
import static dev.vigil.updates.Vectors.str;
import static dev.vigil.updates.Vectors.strings;
import static dev.vigil.updates.Vectors.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** witness/c2sp-witness-examples.json: the add-checkpoint request and response examples of tlog-witness. */
class WitnessFormatsVectorsTest {

    @Test
    void requestAndResponseExamples() throws Exception {
        List<Map<String, Object>> vs = list(Vectors.json("witness/c2sp-witness-examples.json"), "vectors");
        assertThat(vs).hasSize(2);
        for (Map<String, Object> v : vs) {
            Map<String, Object> e = map(v, "expect");
            byte[] body = utf8(str(v, "body"));
            switch (str(v, "kind")) {
                case "parse_add_checkpoint_request" -> {
                    AddCheckpointRequest r = AddCheckpointRequest.parse(body);
                    assertThat(r.oldSize()).isEqualTo(num(e, "old_size"));
                    assertThat(r.proof().stream().map(Encoding::base64).toList()).isEqualTo(strings(e, "proof_b64"));
                    assertThat(new String(r.checkpoint(), StandardCharsets.UTF_8)).isEqualTo(str(e, "checkpoint"));
                    Note note = Note.parse(r.checkpoint());
                    Checkpoint cp = Checkpoint.parse(note.text());
                    assertThat(cp.origin()).isEqualTo(str(e, "checkpoint_origin"));
                    assertThat(cp.size()).isEqualTo(num(e, "checkpoint_size"));
                    assertThat(ids(note.signatures())).isEqualTo(idsOf(list(e, "checkpoint_sigs")));
                    assertThat(r.format()).isEqualTo(body);
                }
                case "parse_signature_lines" -> {
                    List<NoteSignature> sigs = SignatureLines.parse(body);
                    assertThat(ids(sigs)).isEqualTo(idsOf(list(e, "lines")));
                    sigs.forEach(s -> assertThat(s.payload()).hasSize(76));
                    assertThat(SignatureLines.format(sigs)).isEqualTo(body);
                }
                default -> throw new AssertionError("unhandled kind " + str(v, "kind"));
            }
        }
    }

    @Test
    void malformedRequestsAreRefused() {
        String cp = "o\n1\n" + Encoding.base64(new byte[32]) + "\n\n\u2014 k AAAAAAA=\n";
        String hash = Encoding.base64(new byte[32]);
        for (String bad : new String[] {
            "", "old 1\n", "old 01\n\n" + cp, "old -1\n\n" + cp, "old 1\n" + hash + "\n", "olde 1\n\n" + cp,
            "old 1\nAAAA\n\n" + cp, "old 1\n" + hash, "old 18446744073709551616\n\n" + cp,
            "old 1\n" + (hash + "\n").repeat(64) + "\n" + cp,
        }) {
            assertThatThrownBy(() -> AddCheckpointRequest.parse(utf8(bad))).as(bad).isInstanceOf(FormatException.class);
        }
        for (String bad : new String[] {"", "\n", "\u2014 a AAAAAAA=\n\n\u2014 b AAAAAAA=\n", "\u2014 a AAAAAAA="}) {
            assertThatThrownBy(() -> SignatureLines.parse(utf8(bad))).as(bad).isInstanceOf(FormatException.class);
        }
    }

    private static List<String> ids(List<NoteSignature> sigs) {
        return sigs.stream().map(s -> s.name() + "+" + KeyId.hex(s.keyId())).toList();
    }

    private static List<String> idsOf(List<Map<String, Object>> m) {
        return m.stream().map(x -> str(x, "name") + "+" + str(x, "key_id")).toList();
    }
}
