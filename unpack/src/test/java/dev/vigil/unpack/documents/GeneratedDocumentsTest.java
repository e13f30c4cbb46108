package dev.vigil.unpack.documents;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Mails and PDFs built here with EICAR inside (in every transfer encoding, nested multiparts, mbox, and every
 * filter chain), plus clean controls: Vigil detects exactly what clamscan detects with the same database.
 */
class GeneratedDocumentsTest {
    private static final Map<String, byte[]> FILES = new LinkedHashMap<>();
    private static Path dir;
    private static Map<String, java.util.Set<String>> reference;

    static {
        FILES.putAll(Samples.mails(Harness.EICAR));
        FILES.putAll(Samples.pdfs(Harness.EICAR));
        FILES.putAll(Samples.ole2(Harness.EICAR));
        FILES.putAll(Samples.others(Harness.EICAR));
    }

    static Stream<String> names() {
        return FILES.keySet().stream();
    }

    @BeforeAll
    static void runClamscan() throws Exception {
        Harness.assumeShared();
        dir = Files.createTempDirectory("vigil-docs-generated");
        for (Map.Entry<String, byte[]> e : FILES.entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        if (Harness.clamscanPresent()) {
            reference = Harness.clamscan(dir);
        }
    }

    @AfterAll
    static void cleanUp() throws Exception {
        if (dir != null) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void agreesWithClamscan(String name) throws Exception {
        Assumptions.assumeTrue(reference != null, "clamscan not installed");
        Harness.Outcome vigil = Harness.scan(FILES.get(name));
        assertThat(reference).containsKey(name);
        assertThat(new java.util.TreeSet<>(vigil.detections()))
                .as("%s: clamscan %s; Vigil detections %s, children %s", name, reference.get(name),
                        vigil.detections(), vigil.children())
                .isEqualTo(reference.get(name));
    }

    @Test
    void theGeneratedSetIsNotTrivial() {
        Assumptions.assumeTrue(reference != null, "clamscan not installed");
        // Both outcomes occur, so the comparison above can fail either way.
        assertThat(reference.values()).anyMatch(java.util.Set::isEmpty).anyMatch(v -> !v.isEmpty());
    }
}
