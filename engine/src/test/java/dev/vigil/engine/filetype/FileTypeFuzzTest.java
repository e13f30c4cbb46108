package dev.vigil.engine.filetype;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Any bytes get a type (only empty data gets {@code CL_TYPE_ERROR}) and the type depends on the first kilobyte only.
 * Normal runs replay the seeds in src/test/resources/.../FileTypeFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes.
 */
class FileTypeFuzzTest {
    private static final FileTypeDetector DETECTOR = FileTypeDetector.withDefaults(List.of());

    @FuzzTest(maxDuration = "60s")
    void detect(byte[] data) throws IOException {
        FileType type = DETECTOR.detect(ScanInput.of(data));
        assertThat(type).isNotNull();
        assertThat(type.equals(FileType.ERROR)).isEqualTo(data.length == 0);
        if (data.length > FileTypeDetector.WINDOW) {
            byte[] head = java.util.Arrays.copyOf(data, FileTypeDetector.WINDOW);
            assertThat(DETECTOR.detect(ScanInput.of(head))).isEqualTo(type);
        }
        assertThat(DETECTOR.detectPartition(ScanInput.of(data))).isNotNull();
    }
}
