package dev.vigil.engine.match;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.SignatureKind;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.ir.ExternalPatterns;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's contract with patterns verified by their own language: every occurrence of every atom is handed over
 * exactly once, in position order, with the promised context before and after it, across window boundaries.
 */
class ExternalPatternsTest {

    /** Finds the literal words by their first bytes as atoms and records (word, offset) of each full match. */
    static final class Words implements ExternalPatterns {
        final List<byte[]> words;
        final int back;
        final int forward;
        /** Atom filters to declare (null: none), and the hits handed over, each atom@offset. */
        long[] filters;
        final List<String> handed = new ArrayList<>();

        Words(int back, String... words) {
            this.words = new ArrayList<>();
            for (String w : words) {
                this.words.add(w.getBytes(StandardCharsets.ISO_8859_1));
            }
            this.back = back;
            this.forward = this.words.stream().mapToInt(w -> w.length).max().orElse(0);
        }

        @Override
        public List<byte[]> atoms() {
            List<byte[]> a = new ArrayList<>();
            for (byte[] w : words) {
                a.add(java.util.Arrays.copyOf(w, Math.min(4, w.length)));
            }
            return a;
        }

        @Override
        public long[] atomFilters() {
            return filters;
        }

        @Override
        public boolean needsEveryOffset() {
            return false;
        }

        @Override
        public int maxBack() {
            return back;
        }

        @Override
        public int maxForward() {
            return forward;
        }

        @Override
        public ExternalScan begin(long deadlineNanos) {
            List<String> found = new ArrayList<>();
            return new ExternalScan() {
                long last = -1;

                @Override
                public void atom(int atom, byte[] buf, long base, int valid, long size, int pos) {
                    long at = base + pos;
                    handed.add(atom + "@" + at);
                    assertThat(at).isGreaterThanOrEqualTo(last);
                    last = at;
                    // The promised context is present.
                    assertThat(pos).isGreaterThanOrEqualTo((int) Math.min(back, at));
                    assertThat(valid - pos).isGreaterThanOrEqualTo((int) Math.min(forward, size - at));
                    byte[] w = words.get(atom);
                    if (valid - pos < w.length) {
                        return;
                    }
                    for (int i = 0; i < w.length; i++) {
                        if (buf[pos + i] != w[i]) {
                            return;
                        }
                    }
                    found.add(atom + "@" + at);
                }

                @Override
                public void everyOffset(byte[] buf, long base, int valid, long size, int from, int to) {
                    throw new AssertionError("no atomless pattern here");
                }

                @Override
                public List<Detection> finish(EvaluationContext context, boolean complete) {
                    return found.isEmpty() ? List.of() : List.of(new Detection("words", SignatureKind.YARA, -1));
                }

                @Override
                public Object report() {
                    return found;
                }
            };
        }
    }

    static List<String> naive(byte[] data, List<byte[]> words) {
        List<String> out = new ArrayList<>();
        for (int p = 0; p < data.length; p++) {
            for (int a = 0; a < words.size(); a++) {
                byte[] w = words.get(a);
                if (p + w.length <= data.length
                        && java.util.Arrays.equals(data, p, p + w.length, w, 0, w.length)) {
                    out.add(a + "@" + p);
                }
            }
        }
        return out;
    }

    @Test
    void everyOccurrenceIsHandedOverOnceAcrossWindows() throws Exception {
        Words words = new Words(5000, "abcdefgh", "xyz", "q", "qq", "zz\u0000");
        Engine engine = Engine.builder().add(words).build();
        Random r = new Random(7);
        byte[] data = new byte[3 * (1 << 20) + 12345];
        byte[] alphabet = "abcdefghqxyz\u0000".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < data.length; i++) {
            data[i] = alphabet[r.nextInt(alphabet.length)];
        }
        // Plant words across the window boundaries.
        for (int k = 1; k <= 3; k++) {
            System.arraycopy("abcdefgh".getBytes(StandardCharsets.ISO_8859_1), 0, data, k * (1 << 20) - 3, 8);
        }
        List<String> expected = naive(data, words.words);
        expected.sort(null);

        ScanResult fromBytes = engine.scan(data, ScanOptions.DEFAULT.withAllMatch(true));
        ScanResult fromStream = engine.scan(new ByteArrayInputStream(data), ScanOptions.DEFAULT.withAllMatch(true));
        for (ScanResult result : List.of(fromBytes, fromStream)) {
            @SuppressWarnings("unchecked")
            List<String> found = new ArrayList<>((List<String>) result.reports().get(0));
            found.sort(null);
            assertThat(found).isEqualTo(expected);
            assertThat(result.detections()).extracting(Detection::name).containsExactly("words");
        }
    }

    /**
     * Declared atom filters: the engine hands over only the hits whose filter passes (or cannot be read in the
     * buffer), and a source's filters apply to its own atoms, whether it comes before or after one without filters.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void hitsThatTheirAtomFilterRejectsAreNotHandedOver(boolean filteredFirst) throws Exception {
        Words plain = new Words(16, "abcd", "xyz");
        Words filtered = new Words(16, "abcdefgh", "qq");
        // atom 0 ("abcd"): the eight bytes from the atom must be "abcdefgh"; atom 1 ("qq"): no filter
        filtered.filters = new long[] {dev.vigil.engine.ir.AtomFilter.place(0, 0), -1L,
                (long) java.lang.invoke.MethodHandles.byteArrayViewVarHandle(long[].class,
                        java.nio.ByteOrder.LITTLE_ENDIAN).get("abcdefgh".getBytes(StandardCharsets.ISO_8859_1), 0),
                0, 0, 0};
        Engine engine = filteredFirst ? Engine.builder().add(filtered).add(plain).build()
                : Engine.builder().add(plain).add(filtered).build();
        Random r = new Random(11);
        byte[] data = new byte[2 * (1 << 20) + 77];
        byte[] alphabet = "abcdefghq".getBytes(StandardCharsets.ISO_8859_1);
        for (int i = 0; i < data.length; i++) {
            data[i] = alphabet[r.nextInt(alphabet.length)];
        }
        for (int k = 0; k < 300; k++) {
            System.arraycopy("abcdabcdefgh".getBytes(StandardCharsets.ISO_8859_1), 0, data, 7000 * k + 5, 12);
        }
        engine.scan(data, ScanOptions.DEFAULT.withAllMatch(true));
        List<String> abcd = naive(data, List.of("abcd".getBytes(StandardCharsets.ISO_8859_1)));
        List<String> full = naive(data, List.of("abcdefgh".getBytes(StandardCharsets.ISO_8859_1)));
        List<String> qq = naive(data, filtered.words);
        assertThat(plain.handed).as("the first source, without filters").isEqualTo(abcd);
        assertThat(full).hasSizeGreaterThanOrEqualTo(300);
        assertThat(abcd.size()).isGreaterThan(2 * full.size());
        assertThat(filtered.handed.stream().filter(h -> h.startsWith("0@")).toList())
                .as("the second source's filtered atom").isEqualTo(full);
        assertThat(filtered.handed.stream().filter(h -> h.startsWith("1@")).toList())
                .as("its unfiltered atom").isEqualTo(qq.stream().filter(h -> h.startsWith("1@")).toList());
    }

    @Test
    void emptyInputIsStillReported() throws Exception {
        Engine engine = Engine.builder().add(new Words(1, "abc")).build();
        ScanResult r = engine.scan(new byte[0]);
        assertThat(r.reports()).hasSize(1);
        assertThat((List<?>) r.reports().get(0)).isEmpty();
    }

    @Test
    void htmlAndIgnoredFilesAreMatchedRawToo() throws Exception {
        Engine engine = Engine.builder().add(new Words(1, "<b>x")).build();
        byte[] html = "<html><body><b>x</b></body></html>".getBytes(StandardCharsets.ISO_8859_1);
        ScanResult r = engine.scan(html);
        assertThat(r.reports().get(0)).isEqualTo(List.of("0@12"));
    }
}
