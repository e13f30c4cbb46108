package dev.vigil.engine.match;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The per-byte gates of {@link AtomIndex} must let through every position where an atom starts (the matcher skips
 * the rest), and the four-byte gate must stay selective. End-to-end matching is covered by
 * {@link MatcherAgainstReferenceTest}; this checks the gates directly, for both ways of handling length-3 atoms.
 */
class AtomIndexTest {

    /** Atoms by length (index 1..4) and the index built from them. */
    private record Built(List<List<Integer>> atoms, AtomIndex index) {
    }

    private static Built build(long seed, int count4, int count3, int count2, int count1) {
        Random random = new Random(seed);
        AtomIndex.Builder builder = new AtomIndex.Builder();
        List<List<Integer>> atoms = new ArrayList<>();
        atoms.add(List.of());
        int[] counts = {0, count1, count2, count3, count4};
        int record = 0;
        for (int len = 1; len <= 4; len++) {
            Set<Integer> values = new HashSet<>();
            while (values.size() < counts[len]) {
                values.add(len == 4 ? random.nextInt() : random.nextInt(1 << (8 * len)));
            }
            atoms.add(List.copyOf(values));
            for (int v : values) {
                // some atoms carry several records, as shared atoms do
                for (int k = random.nextInt(3); k >= 0; k--) {
                    builder.add(len, v, record++);
                }
            }
        }
        return new Built(atoms, builder.build());
    }

    /** Every (length, value, arbitrary following bytes) window passes the gates the matcher reads per byte. */
    private static void assertGatesPassEveryAtom(Built b, Random random) {
        AtomIndex ix = b.index();
        for (int v : b.atoms().get(4)) {
            assertThat(ix.inGate4(v)).as("4-byte atom %08x", v).isTrue();
            assertThat(ix.lookup4(v)).isGreaterThanOrEqualTo(0);
        }
        for (int v : b.atoms().get(3)) {
            for (int next = 0; next < 256; next++) {
                int w = v | next << 24;
                boolean passes = ix.fold3 ? ix.inGate4(w) : bit(ix.bits3, AtomIndex.mix4(v, ix.shift3));
                assertThat(passes).as("3-byte atom %06x followed by %02x", v, next).isTrue();
            }
            assertThat(ix.lookup3(v)).isGreaterThanOrEqualTo(0);
        }
        for (int v : b.atoms().get(2)) {
            int w = v | random.nextInt(1 << 16) << 16;
            assertThat(bit(ix.gate2, w & 0xffff)).isTrue();
            assertThat(ix.start2[v + 1]).isGreaterThan(ix.start2[v]);
        }
        for (int v : b.atoms().get(1)) {
            for (int second = 0; second < 256; second++) {
                assertThat(bit(ix.gate2, second << 8 | v)).isTrue();
            }
        }
    }

    private static boolean bit(long[] bits, int i) {
        return (bits[i >>> 6] & (1L << i)) != 0;
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void gatesPassEveryAtom(int shape) {
        // 0: signature-base's shape (many 4-byte, ~150 3-byte atoms: folded); 1: too many 3-byte atoms to fold;
        // 2: 4-byte atoms only, as in the ClamAV bench database
        Built b = switch (shape) {
            case 0 -> build(1, 20_000, 150, 40, 1);
            case 1 -> build(2, 3_000, 1_000, 10, 0);
            default -> build(3, 50_000, 0, 0, 0);
        };
        assertThat(b.index().fold3).isEqualTo(shape == 0);
        assertGatesPassEveryAtom(b, new Random(shape));
    }

    @Test
    void gate4RejectsAlmostEveryOtherValue() {
        Built b = build(4, 20_000, 150, 0, 0);
        Set<Integer> atoms4 = new HashSet<>(b.atoms().get(4));
        Set<Integer> atoms3 = new HashSet<>(b.atoms().get(3));
        Random random = new Random(5);
        int tried = 0;
        int passed = 0;
        while (tried < 1_000_000) {
            int w = random.nextInt();
            if (atoms4.contains(w) || atoms3.contains(w & 0xffffff)) {
                continue;
            }
            tried++;
            passed += b.index().inGate4(w) ? 1 : 0;
        }
        // two bits per entry at >= 64 bits per entry: well under 1 %; one bit alone would let about 1.5 % through
        assertThat(passed).isLessThan(6_000);
    }

    @Test
    void imageRoundTripKeepsTheGates() throws IOException {
        Built b = build(6, 5_000, 100, 20, 1);
        AtomIndex read = roundTrip(b.index());
        assertThat(read.gate4).isEqualTo(b.index().gate4);
        assertThat(read.gate2).isEqualTo(b.index().gate2);
        assertThat(read.bits3).isEqualTo(b.index().bits3);
        assertThat(read.fold3).isEqualTo(b.index().fold3);
        assertGatesPassEveryAtom(new Built(b.atoms(), read), new Random(7));
    }

    @Test
    void imageWithFlagsThatDisagreeWithTheTablesIsRefused() throws IOException {
        Built b = build(8, 1_000, 10, 0, 0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageOutput out = new ImageOutput(bytes);
        b.index().writeTo(out);
        out.finish();
        byte[] image = bytes.toByteArray();
        // the has1 flag follows records and start1 (two int arrays, each a count and the values)
        int has1At = 4 + 4 * b.index().records.length + 4 + 4 * 257;
        assertThat(image[has1At]).isEqualTo((byte) 0);
        image[has1At] = 1;
        fixTrailer(image);
        assertThatThrownBy(() -> read(image, b.index().records.length)).isInstanceOf(ImageFormatException.class);
    }

    private static AtomIndex roundTrip(AtomIndex ix) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ImageOutput out = new ImageOutput(bytes);
        ix.writeTo(out);
        out.finish();
        return read(bytes.toByteArray(), ix.records.length);
    }

    private static AtomIndex read(byte[] image, int records) throws IOException {
        ImageInput in = new ImageInput(new ByteArrayInputStream(image), image.length);
        AtomIndex ix = AtomIndex.readFrom(in, records);
        in.finish();
        return ix;
    }

    /** Rewrites the CRC-32C trailer after an edit, so that the index's own validation is what refuses it. */
    private static void fixTrailer(byte[] image) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(image, 0, image.length - 4);
        int v = (int) crc.getValue();
        for (int i = 0; i < 4; i++) {
            image[image.length - 4 + i] = (byte) (v >>> (8 * i));
        }
    }
}
