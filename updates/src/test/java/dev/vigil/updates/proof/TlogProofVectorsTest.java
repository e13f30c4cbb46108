package dev.vigil.updates.proof;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;
import dev.vigil.updates.Vectors;
import dev.vigil.updates.checkpoint.Checkpoint;
import dev.vigil.updates.note.Note;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

/** proof/formats-tlog-proof.json and proof/c2sp-tlog-proof-example.json. */
class TlogProofVectorsTest {

    @Test
    void formatsVectors() throws Exception {
        List<Map<String, Object>> vs = list(Vectors.json("proof/formats-tlog-proof.json"), "vectors");
        assertThat(vs).hasSize(13);
        for (Map<String, Object> v : vs) {
            Map<String, Object> e = map(v, "expect");
            switch (str(v, "kind")) {
                case "format_tlog_proof" -> assertThat(new String(build(v).format(), StandardCharsets.UTF_8))
                        .isEqualTo(str(e, "text"));
                case "parse_tlog_proof" -> assertThatThrownBy(() -> TlogProof.parse(utf8(str(v, "proof_file"))))
                        .as(str(v, "id")).isInstanceOf(FormatException.class)
                        .hasMessageContaining(str(e, "error_contains"));
                case "tlog_proof_roundtrip" -> {
                    TlogProof p = build(v);
                    TlogProof back = TlogProof.parse(p.format());
                    assertThat(back.format()).isEqualTo(p.format());
                    assertThat(back.index()).isEqualTo(p.index());
                    assertThat(back.hashes()).hasSameSizeAs(p.hashes());
                    assertThat(back.checkpoint()).isEqualTo(p.checkpoint());
                }
                default -> throw new AssertionError("unhandled kind " + str(v, "kind"));
            }
        }
    }

    private static TlogProof build(Map<String, Object> v) throws FormatException {
        List<byte[]> hashes = new ArrayList<>();
        for (String h : strings(v, "hashes_b64")) {
            hashes.add(Encoding.decodeBase64(h, "hash"));
        }
        byte[] extra = v.get("extra_b64") == null ? null : Encoding.decodeBase64(str(v, "extra_b64"), "extra");
        return new TlogProof(extra, num(v, "index"), hashes, utf8(str(v, "checkpoint")));
    }

    @Test
    void specExample() throws Exception {
        List<Map<String, Object>> vs = list(Vectors.json("proof/c2sp-tlog-proof-example.json"), "vectors");
        assertThat(vs).hasSize(1);
        Map<String, Object> v = vs.get(0);
        Map<String, Object> e = map(v, "expect");
        byte[] file = utf8(str(v, "proof_file"));
        TlogProof p = TlogProof.parse(file);
        assertThat(new String(file, StandardCharsets.UTF_8)).startsWith(str(e, "header") + "\n");
        assertThat(Encoding.base64(p.extra())).isEqualTo(str(e, "extra_b64"));
        assertThat(p.index()).isEqualTo(num(e, "index"));
        assertThat(p.hashes().stream().map(Encoding::base64).toList()).isEqualTo(strings(e, "hashes_b64"));
        assertThat(new String(p.checkpoint(), StandardCharsets.UTF_8)).startsWith(str(e, "checkpoint_text") + "\n");
        assertThat(Checkpoint.parse(utf8(str(e, "checkpoint_text"))).size()).isEqualTo(109482);
        assertThat(p.format()).isEqualTo(file);
        // Its signature lines are elided with "[...]", so the embedded checkpoint is not a valid note.
        assertThat(e.get("checkpoint_signature_lines_valid")).isEqualTo(Boolean.FALSE);
        assertThatThrownBy(() -> Note.parse(p.checkpoint())).isInstanceOf(FormatException.class);
    }
}
