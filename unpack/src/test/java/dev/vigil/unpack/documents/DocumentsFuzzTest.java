package dev.vigil.unpack.documents;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.html.HtmlUnpacker;
import dev.vigil.unpack.mail.EncodedTextUnpacker;
import dev.vigil.unpack.mail.MailUnpacker;
import dev.vigil.unpack.mail.TnefUnpacker;
import dev.vigil.unpack.ole2.Ole2Unpacker;
import dev.vigil.unpack.ole2.VbaCompression;
import dev.vigil.unpack.onenote.OneNoteUnpacker;
import dev.vigil.unpack.pdf.PdfUnpacker;
import dev.vigil.unpack.rtf.RtfUnpacker;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every document parser on hostile bytes: it ends with children and limits, or an {@link UnpackException}; never
 * another exception, never an object over MaxFileSize. Normal runs replay the seeds in
 * src/test/resources/dev/vigil/unpack/documents/DocumentsFuzzTestInputs; {@code -Pfuzz} fuzzes for real.
 */
class DocumentsFuzzTest {
    static final UnpackLimits LIMITS = new UnpackLimits(64L << 20, 1L << 20, 8, 1000, 1L << 20,
            Duration.ofSeconds(10));

    private static void run(Unpacker unpacker, String type, byte[] data) throws Exception {
        DrainingSink sink = new DrainingSink(LIMITS);
        try {
            if (unpacker.accepts(FileType.of(type), ScanInput.of(data))) {
                unpacker.unpack(ScanInput.of(data), sink);
            }
        } catch (UnpackException expected) {
            // malformed input reported as such
        }
        assertThat(sink.largest).isLessThanOrEqualTo(LIMITS.maxFileSize());
    }

    @FuzzTest(maxDuration = "60s")
    void mail(byte[] data) throws Exception {
        run(new MailUnpacker(), "CL_TYPE_MAIL", data);
    }

    @FuzzTest(maxDuration = "60s")
    void uuencodeAndBinhex(byte[] data) throws Exception {
        run(new EncodedTextUnpacker(), "CL_TYPE_UUENCODED", data);
        run(new EncodedTextUnpacker(), "CL_TYPE_BINHEX", data);
    }

    @FuzzTest(maxDuration = "60s")
    void tnef(byte[] data) throws Exception {
        run(new TnefUnpacker(), "CL_TYPE_TNEF", data);
    }

    @FuzzTest(maxDuration = "60s")
    void ole2(byte[] data) throws Exception {
        run(new Ole2Unpacker(), "CL_TYPE_MSOLE2", data);
    }

    @FuzzTest(maxDuration = "60s")
    void vbaDecompression(byte[] data) throws Exception {
        try {
            assertThat(VbaCompression.decompress(data, 0, data.length, 1 << 20).length)
                    .isLessThanOrEqualTo(1 << 20);
        } catch (dev.vigil.unpack.documents.OutputLimitException expected) {
            // bounded, as it should be
        }
    }

    @FuzzTest(maxDuration = "60s")
    void pdf(byte[] data) throws Exception {
        run(new PdfUnpacker(), "CL_TYPE_PDF", data);
    }

    @FuzzTest(maxDuration = "60s")
    void rtf(byte[] data) throws Exception {
        run(new RtfUnpacker(), "CL_TYPE_RTF", data);
    }

    @FuzzTest(maxDuration = "60s")
    void html(byte[] data) throws Exception {
        run(new HtmlUnpacker(), "CL_TYPE_HTML", data);
    }

    @FuzzTest(maxDuration = "60s")
    void onenote(byte[] data) throws Exception {
        run(new OneNoteUnpacker(), "CL_TYPE_ONENOTE", data);
    }
}
