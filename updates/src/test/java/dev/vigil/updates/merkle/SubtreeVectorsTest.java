package dev.vigil.updates.merkle;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.Json;
import dev.vigil.updates.VerificationException;
import dev.vigil.updates.Vectors;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
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

/** Subtrees: merkle/testdata/subtreeconsistency, merkle/subtree-vectors.json, the reference subtree proofs. */
class SubtreeVectorsTest {

    @TestFactory
    Stream<DynamicTest> subtreeConsistencyFiles() throws IOException {
        Path dir = Vectors.file("merkle/testdata/subtreeconsistency");
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(p -> p.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(files).hasSize(118);
        return files.stream().map(p -> DynamicTest.dynamicTest(dir.relativize(p).toString(), () -> check(p)));
    }

    @SuppressWarnings("unchecked")
    private static void check(Path file) throws IOException, VerificationException {
        Map<String, Object> v = (Map<String, Object>) Json.parse(Files.readString(file, StandardCharsets.UTF_8));
        List<byte[]> proof = new ArrayList<>();
        if (v.get("proof") != null) {
            for (String s : strings(v, "proof")) {
                proof.add(b64(s));
            }
        }
        Verification op = () -> Proofs.verifySubtreeConsistency(num(v, "start"), num(v, "end"), num(v, "size"),
                proof, b64(str(v, "root1")), b64(str(v, "root2")));
        if (bool(v, "wantErr")) {
            assertThatThrownBy(op::run).isInstanceOf(VerificationException.class);
        } else {
            op.run();
        }
    }

    interface Verification {
        void run() throws VerificationException;
    }

    private static byte[] b64(String s) {
        try {
            return s == null ? new byte[0] : Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Test
    void referenceSubtreeConsistencyProofsOnTree8() throws IOException {
        Map<String, Object> tree8 = map(Vectors.json("merkle/rfc6962-hashes.json"), "tree8");
        InMemoryTree mem = new InMemoryTree();
        for (String leaf : strings(tree8, "leaf_inputs_hex")) {
            mem.appendData(Vectors.hex(leaf));
        }
        MerkleTree tree = new MerkleTree(mem);
        List<Map<String, Object>> cases = list(map(tree8, "subtree_consistency_proofs_reference"), "cases");
        assertThat(cases).hasSize(12);
        for (Map<String, Object> c : cases) {
            long start = num(c, "start");
            long end = num(c, "end");
            long size = num(c, "size");
            List<String> want = strings(c, "proof_hex");
            if (start > end || end > size) {
                // The reference returns an empty proof for ranges that are not subtrees; this API refuses them.
                assertThat(want).isEmpty();
                assertThatThrownBy(() -> tree.subtreeConsistencyProof(start, end, size))
                        .isInstanceOf(IllegalArgumentException.class);
                continue;
            }
            List<byte[]> proof = new ArrayList<>(tree.subtreeConsistencyProof(start, end, size));
            // "Unknown" subtree hash (RFC 9162's b = false at the top): a subtree that is a tree node comes first.
            if (!bool(c, "known") && start < end && SubtreePath.of(start, end, size).subtreeIsNode()) {
                proof.add(0, tree.rangeHash(start, end));
            }
            assertThat(proof.stream().map(Encoding::hex).toList()).as("%d %d %d", start, end, size).isEqualTo(want);
        }
    }

    /** The four accumulated digests over every subtree of a 130-leaf tree whose leaf i is the byte i. */
    @Test
    void accumulatedSubtreeVectors() throws Exception {
        Map<String, Object> file = Vectors.json("merkle/subtree-vectors.json");
        int max = 130;
        InMemoryTree mem = new InMemoryTree();
        for (int i = 0; i < max; i++) {
            mem.appendData(new byte[] {(byte) i});
        }
        MerkleTree tree = new MerkleTree(mem);
        MessageDigest hashes = MessageDigest.getInstance("SHA-256");
        MessageDigest inclusion = MessageDigest.getInstance("SHA-256");
        MessageDigest consistency = MessageDigest.getInstance("SHA-256");
        MessageDigest covering = MessageDigest.getInstance("SHA-256");
        for (long end = 0; end <= max; end++) {
            for (long start = 0; start <= end; start++) {
                long[] cover = Proofs.findSubtrees(start, end);
                write(covering, "[" + cover[0] + ", " + cover[1] + ") [" + cover[1] + ", " + cover[2] + ")\n");
                if (!(start == end || Proofs.isValidSubtree(start, end))) {
                    continue;
                }
                byte[] subtreeHash = start == end ? MerkleHash.emptyRoot() : tree.rangeHash(start, end);
                write(hashes, "[" + start + ", " + end + ") " + Encoding.hex(subtreeHash) + "\n");
                for (long index = start; index < end; index++) {
                    List<byte[]> proof = tree.subtreeInclusionProof(index, start, end);
                    Proofs.verifySubtreeInclusion(index, start, end, mem.node(0, index), proof, subtreeHash);
                    write(inclusion, line(index + " [" + start + ", " + end + ")", proof));
                }
            }
        }
        for (long n = 0; n <= max; n++) {
            for (long end = 0; end <= n; end++) {
                for (long start = 0; start <= end; start++) {
                    if (!(start == end || Proofs.isValidSubtree(start, end))) {
                        continue;
                    }
                    List<byte[]> proof = tree.subtreeConsistencyProof(start, end, n);
                    write(consistency, line("[" + start + ", " + end + ") " + n, proof));
                    if ((n + end + start) % 5 == 0) {
                        // A sample also goes through the verifier (the digest already pins every proof's bytes).
                        byte[] sub = start == end ? MerkleHash.emptyRoot() : tree.rangeHash(start, end);
                        Proofs.verifySubtreeConsistency(start, end, n, proof, sub, tree.root(n));
                    }
                }
            }
        }
        Map<String, MessageDigest> byId = Map.of("subtree-hashes", hashes, "subtree-inclusion-proofs", inclusion,
                "subtree-consistency-proofs", consistency, "subtree-covering", covering);
        List<Map<String, Object>> vectors = list(file, "vectors");
        assertThat(vectors).hasSize(4);
        for (Map<String, Object> v : vectors) {
            assertThat(Encoding.hex(byId.get(str(v, "id")).digest())).as(str(v, "id"))
                    .isEqualTo(str(v, "expect_sha256_hex"));
        }
    }

    private static String line(String prefix, List<byte[]> proof) {
        StringBuilder sb = new StringBuilder(prefix);
        for (byte[] h : proof) {
            sb.append(' ').append(Encoding.hex(h));
        }
        return sb.append('\n').toString();
    }

    private static void write(MessageDigest d, String s) {
        d.update(s.getBytes(StandardCharsets.US_ASCII));
    }
}
