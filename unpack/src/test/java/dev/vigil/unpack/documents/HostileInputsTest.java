package dev.vigil.unpack.documents;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.mail.EncodedTextUnpacker;
import dev.vigil.unpack.mail.MailUnpacker;
import dev.vigil.unpack.mail.TnefUnpacker;
import dev.vigil.unpack.ole2.Ole2Unpacker;
import dev.vigil.unpack.pdf.PdfUnpacker;
import dev.vigil.unpack.rtf.RtfUnpacker;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Bombs, loops, lies and damage: every unpacker ends quickly, within its limits, with a clear outcome. */
class HostileInputsTest {
    private static final UnpackLimits TIGHT = new UnpackLimits(64L << 20, 8L << 20, 17, 1000, 8L << 20,
            Duration.ofSeconds(30));

    private static DrainingSink run(Unpacker u, String type, byte[] data) throws Exception {
        DrainingSink sink = new DrainingSink(TIGHT);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            try {
                if (u.accepts(FileType.of(type), ScanInput.of(data))) {
                    u.unpack(ScanInput.of(data), sink);
                }
            } catch (UnpackException malformed) {
                sink.limitsHit.add("malformed");
            }
        });
        assertThat(sink.largest).isLessThanOrEqualTo(TIGHT.maxFileSize());
        return sink;
    }

    @Test
    void deeplyNestedMultipartStopsAtMaxRecursion() throws Exception {
        StringBuilder mail = new StringBuilder("Subject: deep\r\n");
        int depth = 5000;
        for (int i = 0; i < depth; i++) {
            mail.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i)
                    .append("\r\n");
        }
        mail.append("Content-Type: text/plain\r\n\r\nbottom\r\n");
        DrainingSink sink = run(new MailUnpacker(), "CL_TYPE_MAIL", Samples.ascii(mail.toString()));
        assertThat(sink.limitsHit).contains("MaxRecursion");
    }

    @Test
    void aMillionPartsStopAtMaxFiles() throws Exception {
        StringBuilder mail = new StringBuilder("Content-Type: multipart/mixed; boundary=x\r\n\r\n");
        for (int i = 0; i < 1_000_000; i++) {
            mail.append("--x\r\n\r\np\r\n");
        }
        DrainingSink sink = run(new MailUnpacker(), "CL_TYPE_MAIL", Samples.ascii(mail.toString()));
        assertThat(sink.children).isEqualTo(TIGHT.maxFiles());
    }

    @Test
    void pdfFlateBombIsCutAtMaxFileSize() throws Exception {
        byte[] bomb = Samples.flate(new byte[64 << 20]);
        DrainingSink sink = run(new PdfUnpacker(), "CL_TYPE_PDF", Samples.pdfWithStream("/FlateDecode", bomb, null));
        assertThat(sink.limitsHit).contains("MaxFileSize");
        assertThat(bomb.length).isLessThan(1 << 20);
    }

    @Test
    void manyPdfBombsStopAtTheScanSizeBudget() throws Exception {
        byte[] bomb = Samples.flate(new byte[6 << 20]);
        StringBuilder more = new StringBuilder();
        List<byte[]> parts = new ArrayList<>();
        for (int i = 10; i < 60; i++) {
            more.append(i).append(" 0 obj\n<< /Length ").append(bomb.length).append(" /Filter /FlateDecode >>\nstream\n")
                    .append(Samples.latin1(bomb)).append("\nendstream\nendobj\n");
        }
        parts.add(Samples.pdfWithStream("", Samples.ascii("x"), more.toString()));
        DrainingSink sink = run(new PdfUnpacker(), "CL_TYPE_PDF", parts.get(0));
        assertThat(sink.limitsHit).contains("MaxScanSize");
        assertThat(sink.bytes).isLessThanOrEqualTo(TIGHT.maxScanSize());
    }

    @Test
    void pdfFilterLoopIsCut() throws Exception {
        String filters = "[" + "/ASCIIHexDecode ".repeat(10_000) + "]";
        DrainingSink sink = run(new PdfUnpacker(), "CL_TYPE_PDF",
                Samples.pdfWithStream(filters, Samples.ascii("4142>"), null));
        assertThat(sink.limitsHit).contains("PdfFilterChain");
    }

    @Test
    void pdfLiesAboutLengths() throws Exception {
        byte[] pdf = Samples.pdfWithDict("<< /Length 99999999999999 /Filter /FlateDecode >>",
                Samples.flate(Harness.EICAR), "9 0 obj\n<< /Length 9 0 R >>\nstream\nabc");
        DrainingSink sink = run(new PdfUnpacker(), "CL_TYPE_PDF", pdf);
        assertThat(sink.children).isGreaterThan(0);
    }

    @Test
    void binHexRunLengthBombIsCut() throws Exception {
        // Every "0x90 0xFF" pair repeats the previous byte 254 more times.
        byte[] raw = new byte[3 * 200_000];
        for (int i = 0; i < raw.length; i += 3) {
            raw[i] = 'A';
            raw[i + 1] = (byte) 0x90;
            raw[i + 2] = (byte) 0xFF;
        }
        String alphabet = "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";
        StringBuilder text = new StringBuilder("(This file must be converted with BinHex 4.0)\n:");
        for (int i = 0; i + 2 < raw.length; i += 3) {
            int v = (raw[i] & 0xff) << 16 | (raw[i + 1] & 0xff) << 8 | raw[i + 2] & 0xff;
            for (int k = 18; k >= 0; k -= 6) {
                text.append(alphabet.charAt((v >> k) & 63));
            }
        }
        text.append(":\n");
        DrainingSink sink = run(new EncodedTextUnpacker(), "CL_TYPE_BINHEX", Samples.ascii(text.toString()));
        assertThat(sink.limitsHit).contains("MaxFileSize");
    }

    @Test
    void rtfObjectLargerThanTheLimitIsCut() throws Exception {
        byte[] rtf = Samples.ascii("{\\rtf1{\\object{\\*\\objdata " + "41".repeat(10 << 20));
        DrainingSink sink = run(new RtfUnpacker(), "CL_TYPE_RTF", rtf);
        assertThat(sink.limitsHit).contains("MaxFileSize");
    }

    @Test
    void tnefAttributeLongerThanTheFileIsMalformed() {
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x223E9F78).putShort((short) 1).put((byte) 2).putInt(0x0006800F).putInt(0x7fffffff);
        assertThatThrownBy(() -> new TnefUnpacker().unpack(ScanInput.of(b.array()), new DrainingSink(TIGHT)))
                .isInstanceOf(UnpackException.class);
    }

    @Test
    void ole2SectorLoopsAndLyingSizesEnd() throws Exception {
        byte[] doc = Samples.vbaDocument(Harness.EICAR);
        ByteBuffer b = ByteBuffer.wrap(doc).order(ByteOrder.LITTLE_ENDIAN);
        // FAT: every sector points to itself; directory: every size 4 GiB - 1.
        byte[] loops = doc.clone();
        ByteBuffer l = ByteBuffer.wrap(loops).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 128; i++) {
            l.putInt(512 + 4 * i, i);
        }
        run(new Ole2Unpacker(), "CL_TYPE_MSOLE2", loops);
        byte[] sizes = doc.clone();
        ByteBuffer s = ByteBuffer.wrap(sizes).order(ByteOrder.LITTLE_ENDIAN);
        int dirSector = b.getInt(48);
        for (int e = 0; e < 4; e++) {
            s.putInt(512 * (1 + dirSector) + e * 128 + 120, -1);
            s.putInt(512 * (1 + dirSector) + e * 128 + 76, 0); // child points back at the root
        }
        run(new Ole2Unpacker(), "CL_TYPE_MSOLE2", sizes);
    }

    /** Random damage to every generated sample, and truncation at many points: no crash, no hang. */
    @Test
    void damagedAndTruncatedSamplesEndCleanly() throws Exception {
        List<Object[]> cases = new ArrayList<>();
        for (byte[] m : Samples.mails(Harness.EICAR).values()) {
            cases.add(new Object[] {new MailUnpacker(), "CL_TYPE_MAIL", m});
        }
        for (byte[] p : Samples.pdfs(Harness.EICAR).values()) {
            cases.add(new Object[] {new PdfUnpacker(), "CL_TYPE_PDF", p});
        }
        for (byte[] o : Samples.ole2(Harness.EICAR).values()) {
            cases.add(new Object[] {new Ole2Unpacker(), "CL_TYPE_MSOLE2", o});
        }
        Random random = new Random(42);
        for (Object[] c : cases) {
            byte[] original = (byte[]) c[2];
            for (int cut = 0; cut < original.length; cut += Math.max(1, original.length / 40)) {
                run((Unpacker) c[0], (String) c[1], java.util.Arrays.copyOf(original, cut));
            }
            for (int round = 0; round < 40; round++) {
                byte[] damaged = original.clone();
                for (int k = 0; k < 1 + random.nextInt(8); k++) {
                    damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
                }
                run((Unpacker) c[0], (String) c[1], damaged);
            }
        }
    }
}
