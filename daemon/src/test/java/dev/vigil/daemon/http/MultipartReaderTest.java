package dev.vigil.daemon.http;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MultipartReaderTest {

    /** Reads every part; the input arrives {@code step} bytes per read so that delimiters split across reads. */
    static Map<String, byte[]> readAll(byte[] body, String boundary, int step) throws IOException {
        InputStream in = new FilterInputStream(new ByteArrayInputStream(body)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, step));
            }
        };
        MultipartReader r = new MultipartReader(in, boundary, 8192);
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (MultipartReader.Part p; (p = r.next()) != null; ) {
            out.put(p.displayName(), p.body().readAllBytes());
        }
        return out;
    }

    @Test
    void partsSurviveEverySplitOfTheInput() throws IOException {
        Random random = new Random(7);
        byte[] tricky = "--bound\r\n--boun\r\n-\r\n--bounD\r\n--bou".getBytes(StandardCharsets.US_ASCII); // near-delimiters
        byte[] big = new byte[50_000];
        random.nextBytes(big);
        Map<String, byte[]> files = TestSupport.files("a", tricky, "b", new byte[0], "c", big, "d",
                "\r\n".getBytes(StandardCharsets.US_ASCII));
        byte[] body = TestSupport.multipart("bound", files);
        for (int step : new int[]{1, 2, 3, 7, 13, 100, 4096, 1 << 20}) {
            Map<String, byte[]> got = readAll(body, "bound", step);
            assertThat(got.keySet()).as("step %d", step).containsExactlyElementsOf(files.keySet());
            for (String k : files.keySet()) {
                assertThat(got.get(k)).as("step %d part %s", step, k).isEqualTo(files.get(k));
            }
        }
    }

    @Test
    void preambleEpilogueAndPaddingAreAccepted() throws IOException {
        String body = "preamble text\r\n--q \t\r\nContent-Disposition: form-data; name=\"field\"\r\n\r\nv\r\n"
                + "--q--\r\nepilogue that is never read";
        Map<String, byte[]> got = readAll(body.getBytes(StandardCharsets.US_ASCII), "q", 5);
        assertThat(got).containsOnlyKeys("field");
        assertThat(new String(got.get("field"), StandardCharsets.US_ASCII)).isEqualTo("v");
    }

    @Test
    void unreadPartsAreSkipped() throws IOException {
        byte[] body = TestSupport.multipart("z", TestSupport.files("one", new byte[30_000], "two",
                "2".getBytes(StandardCharsets.US_ASCII)));
        MultipartReader r = new MultipartReader(new ByteArrayInputStream(body), "z", 1024);
        assertThat(r.next().fileName()).isEqualTo("one");
        MultipartReader.Part two = r.next();
        assertThat(two.fileName()).isEqualTo("two");
        assertThat(two.body().readAllBytes()).containsExactly('2');
        assertThat(r.next()).isNull();
        assertThat(r.next()).isNull();
    }

    @Test
    void dispositionParameters() throws IOException {
        assertThat(MultipartReader.parameters("; name=\"a\\\"b\"; filename=c.txt; X=\"\""))
                .containsExactly(Map.entry("name", "a\"b"), Map.entry("filename", "c.txt"), Map.entry("x", ""));
        for (String bad : List.of("; name", "; name=\"open", "; =x", "; name=a; name=b", "; name=\"a\"b")) {
            assertThatThrownBy(() -> MultipartReader.parameters(bad)).as(bad)
                    .isInstanceOf(MultipartException.class);
        }
    }

    @Test
    void boundaries() throws IOException {
        assertThat(MultipartReader.boundary("multipart/form-data; boundary=abc")).isEqualTo("abc");
        assertThat(MultipartReader.boundary("Multipart/Form-Data; charset=utf-8; boundary=\"a b'c\"")).isEqualTo(
                "a b'c");
        List<String> bad = new ArrayList<>(List.of("text/plain", "multipart/form-data", "multipart/form-data; "
                + "boundary=", "multipart/form-data; boundary=\"ab \"", "multipart/form-data; boundary=a\"b"));
        bad.add("multipart/form-data; boundary=" + "x".repeat(71));
        for (String b : bad) {
            assertThatThrownBy(() -> MultipartReader.boundary(b)).as(b).isInstanceOf(MultipartException.class);
        }
    }

    @Test
    void memoryStaysAtOneBufferForHugeParts() throws IOException {
        // 64 MiB of part body produced on the fly; the reader must stream it without growing
        long size = 64L << 20;
        byte[] head = "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\r\n--b--".getBytes(StandardCharsets.US_ASCII);
        InputStream generated = new InputStream() {
            long pos;

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long total = head.length + size + tail.length;
                if (pos >= total) {
                    return -1;
                }
                int n = (int) Math.min(len, total - pos);
                for (int i = 0; i < n; i++, pos++) {
                    long p = pos;
                    b[off + i] = p < head.length ? head[(int) p] : p < head.length + size ? (byte) '-'
                            : tail[(int) (p - head.length - size)];
                }
                return n;
            }
        };
        MultipartReader r = new MultipartReader(generated, "b", 1024);
        MultipartReader.Part p = r.next();
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = p.body().read(buf)) >= 0; ) {
            total += n;
        }
        assertThat(total).isEqualTo(size);
        assertThat(r.next()).isNull();
    }
}
