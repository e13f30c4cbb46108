package dev.vigil.clamav.db;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Streaming a file through the fixed buffer must give exactly the lines that reading it whole gives. */
class DbLinesStreamTest {

    @Test
    void streamedLinesEqualLinesOfTheWholeFile(@TempDir Path dir) throws IOException {
        Random random = new Random(7);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // Several buffers' worth, with lines around and beyond the line buffer, NULs, CRs, comments, no final newline.
        while (out.size() < 3 * DbLines.STREAM_BUFFER + 12345) {
            int length = switch (random.nextInt(10)) {
                case 0 -> DbLines.FILE_BUFFER - 2 + random.nextInt(5);
                case 1 -> DbLines.FILE_BUFFER * 2 + random.nextInt(100);
                case 2 -> 0;
                default -> random.nextInt(120);
            };
            for (int i = 0; i < length; i++) {
                int r = random.nextInt(100);
                out.write(r == 0 ? 0 : r == 1 ? '\r' : r == 2 && i == 0 ? '#' : 'a' + random.nextInt(26));
            }
            if (random.nextInt(20) == 0) {
                out.write('\r');
            }
            out.write('\n');
        }
        out.write("last line".getBytes());
        byte[] content = out.toByteArray();
        Path file = dir.resolve("x.hdb");
        Files.write(file, content);

        for (int buffer : new int[] {DbLines.FILE_BUFFER, DbLines.LDB_BUFFER}) {
            List<String> whole = lines(new DbLines(content, buffer, false));
            List<String> streamed;
            try (DbLines lines = DbLines.open(file, buffer)) {
                streamed = lines(lines);
            }
            assertThat(streamed).hasSize(whole.size()).isEqualTo(whole);
        }
    }

    /** Each line as number, comment flag, raw length and content. */
    private static List<String> lines(DbLines lines) {
        List<String> out = new ArrayList<>();
        while (lines.next()) {
            byte[] b = Arrays.copyOfRange(lines.data(), lines.start(), lines.end());
            out.add(lines.number() + " " + lines.isComment() + " " + (lines.rawEnd() - lines.start()) + " "
                    + Arrays.toString(b));
        }
        return out;
    }
}
