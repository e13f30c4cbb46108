package dev.vigil.unpack.documents;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ClamAV's test files in the formats these unpackers handle (Debian's clamav-testfiles and ClamAV's xor-obfuscated
 * unit-test inputs): Vigil, scanning recursively through the document unpackers, finds the ClamAV test file exactly
 * when clamscan does with the same database.
 */
class ClamAvTestFilesTest {
    /** Debian's clamav-testfiles in these formats. */
    static final List<String> DEBIAN = List.of("clam.mail", "clam.exe.mbox.base64", "clam.exe.mbox.uu",
            "clam.exe.binhex", "clam.tnef", "clam.ole.doc", "clam.ppt", "clam.pdf", "clam.exe.rtf", "clam.exe.html");
    /** ClamAV's own unit-test inputs in these formats (xor-obfuscated in ../shared). */
    static final List<String> UNIT = List.of("clam.mail-boundary-content-disposition.eml",
            "clam.mail-comment-header-name.eml", "clam.mail-disposition-rfc2231-boundary.eml",
            "clam.mail-multiple-boundaries.eml", "clam.mail-multiple-content-type.eml",
            "clam.mail-nested-comment-header-name.eml", "clam.mail-semicolon-boundary.eml",
            "clam.exe.2007.one", "clam.exe.2010.one", "clam.exe.webapp-export.one");

    /** Other ClamAV unit-test inputs in these formats (logo.hsb finds the PNG that OneNote 2010 embeds). */
    static final List<String> OTHER = List.of("has_png_and_jpeg.xls", "pdf/out-of-order.pdf",
            "pdf/pdf-stats-test.pdf", "pdf/uri-and-ref.pdf", "html/index.html",
            "ole2_encryption/password.fat.doc", "ole2_encryption/password.ministream.xls",
            "ole2_encryption/password.fat.pptx", "ole2_encryption/password.ministream.docx");
    private static Path dir;
    private static Map<String, java.util.Set<String>> reference;

    static Stream<String> files() {
        return Stream.of(DEBIAN.stream().map(n -> "debian/" + n), UNIT.stream().map(n -> "unit/" + n),
                OTHER.stream().map(n -> "other/" + n.replace('/', '_'))).flatMap(s -> s);
    }

    @BeforeAll
    static void decodeAndRunClamscan() throws Exception {
        Harness.assumeShared();
        dir = Files.createTempDirectory("vigil-docs-testfiles");
        for (String name : DEBIAN) {
            Path src = Harness.DEBIAN_DIR.resolve(name);
            if (Files.isRegularFile(src)) {
                Files.copy(src, dir.resolve("debian-" + name));
            }
        }
        for (String name : UNIT) {
            Files.write(dir.resolve("unit-" + name), Harness.unxor(Harness.XOR_DIR.resolve(name + ".xor")));
        }
        for (String name : OTHER) {
            Files.copy(Harness.OTHER_DIR.resolve(name), dir.resolve("other-" + name.replace('/', '_')));
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
    @MethodSource("files")
    void vigilAgreesWithClamscan(String id) throws Exception {
        String fileName = id.replace('/', '-');
        Path file = dir.resolve(fileName);
        Assumptions.assumeTrue(Files.isRegularFile(file), "test file not installed: " + id);
        Assumptions.assumeTrue(reference != null, "clamscan not installed");
        Harness.Outcome vigil = Harness.scan(Files.readAllBytes(file));
        assertThat(reference).containsKey(fileName);
        assertThat(new java.util.TreeSet<>(vigil.detections()))
                .as("%s: clamscan %s; Vigil saw children %s", id, reference.get(fileName), vigil.children())
                .isEqualTo(reference.get(fileName));
    }
}
