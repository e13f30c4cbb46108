package dev.vigil.engine.normalize;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * ClamAV's own HTML normaliser unit test data (unit_tests/check_htmlnorm.c pairs each input with the expected
 * nocomment.html / notags.html; an empty column means ClamAV does not check that view for that input).
 */
class HtmlNormalizerReferenceTest {

    static Path unitInput() {
        String shared = System.getProperty("vigil.shared", "../../shared");
        return Path.of(shared, "conformance", "clamav-unit-input");
    }

    static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "htmlnorm_buf.html, buf.nocomment.ref, buf.notags.ref",
        "htmlnorm_encode.html, encode.nocomment.ref, ",
        "htmlnorm_js_test.html, js.nocomment.ref, ",
        "htmlnorm_test.html, test.nocomment.ref, test.notags.ref",
        "htmlnorm_urls.html, urls.nocomment.ref, urls.notags.ref",
    })
    void matchesClamAvReferenceOutput(String input, String noCommentRef, String noTagsRef) throws IOException {
        Path dir = unitInput();
        assumeTrue(Files.isDirectory(dir), "shared ClamAV unit-test input not present");
        byte[] html = read(dir.resolve("htmlnorm_scanfiles").resolve(input));

        HtmlViews views = HtmlNormalizer.normalize(ScanInput.of(html), 1 << 24);

        assertThat(views.truncated()).isFalse();
        assertThat(new String(views.noComment(), java.nio.charset.StandardCharsets.ISO_8859_1))
                .isEqualTo(new String(read(dir.resolve("htmlnorm_reffiles").resolve(noCommentRef)),
                        java.nio.charset.StandardCharsets.ISO_8859_1));
        if (noTagsRef != null) {
            assertThat(new String(views.noTags(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .isEqualTo(new String(read(dir.resolve("htmlnorm_reffiles").resolve(noTagsRef)),
                            java.nio.charset.StandardCharsets.ISO_8859_1));
        }
    }
}
