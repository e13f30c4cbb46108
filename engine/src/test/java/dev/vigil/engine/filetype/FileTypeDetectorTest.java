package dev.vigil.engine.filetype;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FileTypeDetectorTest {
    private static MagicRule magic(String text, FileType type) {
        return new MagicRule(0, 0, text.getBytes(StandardCharsets.US_ASCII), null, text, FileType.ANY, type);
    }

    @Test
    void emptyDataIsNotTyped() throws IOException {
        assertThat(FileTypeDetector.withDefaults(List.of()).detect(ScanInput.of(new byte[0])))
                .isEqualTo(FileType.ERROR);
    }

    @Test
    void laterDatabaseMagicIsTriedFirst() throws IOException {
        FileTypeDetector d = FileTypeDetector.withDefaults(List.of(magic("ab", FileType.PDF), magic("abc", FileType.RTF)));
        assertThat(d.detect(ScanInput.of("abcdef".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(FileType.RTF);
        assertThat(d.detect(ScanInput.of("abxdef".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(FileType.PDF);
    }

    @Test
    void builtInsLoadOnlyWithoutDatabaseFileMagic() {
        assertThat(FileTypeDetector.withDefaults(List.of()).rules()).hasSizeGreaterThan(200);
        assertThat(FileTypeDetector.withDefaults(List.of(magic("ab", FileType.PDF))).rules()).hasSize(1);
    }

    @Test
    void onlyTheTypingWindowMatters() throws IOException {
        byte[] data = new byte[FileTypeDetector.WINDOW + 10];
        java.util.Arrays.fill(data, (byte) 'a');
        System.arraycopy("<html>".getBytes(StandardCharsets.US_ASCII), 0, data, FileTypeDetector.WINDOW, 6);
        assertThat(FileTypeDetector.withDefaults(List.of()).detect(ScanInput.of(data)))
                .isEqualTo(FileType.TEXT_ASCII);
    }

    @Test
    void targetsFollowClamavsTable() {
        assertThat(TargetType.of(FileType.TEXT_ASCII)).isEqualTo(TargetType.ASCII);
        assertThat(TargetType.of(FileType.TEXT_UTF8)).isEqualTo(-1);
        assertThat(TargetType.of(FileType.HTML_UTF16)).isEqualTo(-1);
        assertThat(TargetType.of(FileType.MACHO_UNIBIN)).isEqualTo(TargetType.MACHO);
        assertThat(TargetType.ofRawScan(FileType.TEXT_ASCII)).isEqualTo(-1);
        assertThat(TargetType.scansNormalisedText(FileType.TEXT_UTF16LE)).isTrue();
    }

    @Test
    void everyBuiltInTypeIsOneClamavKnows() {
        for (MagicRule r : BuiltinMagic.rules()) {
            assertThat(ClamavTypeCodes.code(r.type())).as(r.description()).isGreaterThanOrEqualTo(0);
        }
    }
}
