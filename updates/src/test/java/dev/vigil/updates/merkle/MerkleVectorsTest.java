package dev.vigil.updates.merkle;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.Json;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.Vectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** merkle/testdata (transparency-dev/merkle) and merkle/rfc6962-hashes.json. */
class MerkleVectorsTest {

    @TestFactory
    Stream<DynamicTest> inclusionConsistencyAndSubtreeInclusionFiles() throws IOException {
        Path dir = Vectors.file("merkle/testdata");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        // subtreeconsistency/ (118 files) is in SubtreeVectorsTest.
        List<Path> used = files.stream().filter(p -> !dir.relativize(p).startsWith("subtreeconsistency")).toList();
        assertThat(used).hasSize(400);
        return used.stream().map(p -> DynamicTest.dynamicTest(dir.relativize(p).toString(), () -> check(dir, p)));
    }

    @SuppressWarnings("unchecked")
    private static void check(Path dir, Path file) throws IOException, VerificationException {
        Map<String, Object> v = (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        String kind = dir.relativize(file).getName(0).toString();
        boolean wantErr = bool(v, "wantErr");
        List<byte[]> proof = new ArrayList<>();
        if (v.get("proof") != null) {
            for (String s : strings(v, "proof")) {
                proof.add(b64(s));
            }
        }
        Verification op = switch (kind) {
            case "inclusion" -> () -> Proofs.verifyInclusion(num(v, "leafIdx"), num(v, "treeSize"),
                    b64(str(v, "leafHash")), proof, b64(str(v, "root")));
            case "consistency" -> () -> Proofs.verifyConsistency(num(v, "size1"), num(v, "size2"), proof,
                    b64(str(v, "root1")), b64(str(v, "root2")));
            case "subtreeinclusion" -> () -> Proofs.verifySubtreeInclusion(num(v, "leafIdx"), num(v, "start"),
                    num(v, "end"), b64(str(v, "leafHash")), proof, b64(str(v, "root")));
            default -> throw new IllegalStateException(kind);
        };
        if (wantErr) {
            assertThatThrownBy(op::run).isInstanceOf(VerificationException.class);
        } else {
            op.run();
        }
    }

    interface Verification {
        void run() throws VerificationException;
    }

    /** The vectors hold arbitrary strings where a hash should be; decode leniently and let the verifier judge. */
    private static byte[] b64(String s) {
        try {
            return s == null ? new byte[0] : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Test
    void hasherConstants() {
        List<Map<String, Object>> hasher = list(Vectors.json("merkle/rfc6962-hashes.json"), "hasher");
        assertThat(hasher).hasSize(5);
        MerkleHash h = new MerkleHash();
        for (Map<String, Object> c : hasher) {
            byte[] got;
            if (c.get("left_utf8") != null) {
                got = h.node(Vectors.utf8(str(c, "left_utf8")), Vectors.utf8(str(c, "right_utf8")));
            } else if (c.get("leaf_hex") != null) {
                got = h.leaf(Vectors.hex(str(c, "leaf_hex")));
            } else if (c.get("leaf_utf8") != null) {
                got = h.leaf(Vectors.utf8(str(c, "leaf_utf8")));
            } else {
                got = MerkleHash.emptyRoot();
            }
            assertThat(Encoding.hex(got)).as(str(c, "id")).isEqualTo(str(c, "expect_hex"));
        }
    }

    @Test
    void tree8NodesRootsAndProofsInMemoryAndOnDisk(@TempDir Path tmp) throws IOException {
        Map<String, Object> tree8 = map(Vectors.json("merkle/rfc6962-hashes.json"), "tree8");
        InMemoryTree mem = new InMemoryTree();
        try (FileTree disk = FileTree.open(tmp.resolve("t"))) {
            for (String leaf : strings(tree8, "leaf_inputs_hex")) {
                byte[] h = MerkleHash.leafHash(Vectors.hex(leaf));
                mem.append(h);
                disk.append(h);
            }
            for (NodeReader nodes : List.of(mem, disk)) {
                checkTree8(tree8, nodes);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void checkTree8(Map<String, Object> tree8, NodeReader nodes) throws IOException {
        List<List<String>> byLevel = (List<List<String>>) tree8.get("node_hashes_hex_by_level");
        for (int level = 0; level < byLevel.size(); level++) {
            for (int i = 0; i < byLevel.get(level).size(); i++) {
                assertThat(Encoding.hex(nodes.node(level, i))).isEqualTo(byLevel.get(level).get(i));
            }
        }
        MerkleTree tree = new MerkleTree(nodes);
        List<String> roots = strings(tree8, "root_hashes_hex_by_size");
        for (int n = 0; n < roots.size(); n++) {
            assertThat(Encoding.hex(tree.root(n))).isEqualTo(roots.get(n));
        }
        for (Map<String, Object> c : list(map(tree8, "inclusion_proofs"), "cases")) {
            assertThat(hex(tree.inclusionProof(num(c, "index"), num(c, "size")))).isEqualTo(strings(c, "proof_hex"));
        }
        for (Map<String, Object> c : list(map(tree8, "consistency_proofs"), "cases")) {
            assertThat(hex(tree.consistencyProof(num(c, "size1"), num(c, "size2"))))
                    .isEqualTo(strings(c, "proof_hex"));
        }
    }

    private static List<String> hex(List<byte[]> proof) {
        return proof.stream().map(Encoding::hex).toList();
    }
}
