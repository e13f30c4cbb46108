package dev.vigil.engine.match;

import dev.vigil.engine.Detection;
import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineBuilder;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.AnyBytes;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast matcher (atoms, verifiers, chains, windows) against the deliberately simple {@link ReferenceMatcher} on
 * random patterns over a three-letter alphabet and NUL, so that matches, overlaps and near misses are frequent. Each seed
 * builds one engine of many patterns, as real databases do, and scans many random inputs with it.
 */
class MatcherAgainstReferenceTest {
    private static final byte[] ALPHABET = {'a', 'b', 'c'};

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
    void sameDetectionsAsTheReferenceMatcher(long seed) {
        Random r = new Random(seed);
        List<BodyPattern> patterns = new ArrayList<>();
        EngineBuilder b = Engine.builder();
        for (int i = 0; i < 60; i++) {
            BodyPattern p = randomPattern(r);
            patterns.add(p);
            b.add(new BodySignature("P" + i, 0, new OffsetSpec.Any(), p));
        }
        Engine engine = b.build();
        for (int n = 0; n < 200; n++) {
            // Four leading NULs make the data binary for ClamAV's text detection (checked against clamscan in
            // the filetype tests), so only the raw bytes are matched and the reference sees the same buffer.
            byte[] data = new byte[4 + r.nextInt(120)];
            for (int i = 4; i < data.length; i++) {
                data[i] = r.nextInt(20) == 0 ? (byte) 0 : ALPHABET[r.nextInt(ALPHABET.length)];
            }
            Set<String> expected = new TreeSet<>();
            for (int i = 0; i < patterns.size(); i++) {
                if (ReferenceMatcher.find(patterns.get(i), data, 0, data.length) >= 0) {
                    expected.add("P" + i);
                }
            }
            ScanResult result = engine.scan(data, ScanOptions.DEFAULT.withAllMatch(true));
            assertThat(result.fileType()).isEqualTo(FileType.BINARY_DATA);
            Set<String> actual = result.detections().stream()
                    .map(Detection::name).collect(Collectors.toCollection(TreeSet::new));
            assertThat(actual).as("seed %d input %s", seed, new String(data)).isEqualTo(expected);
        }
    }

    private static BodyPattern randomPattern(Random r) {
        int parts = 1 + (r.nextInt(4) == 0 ? 1 + r.nextInt(2) : 0);
        List<Part> ps = new ArrayList<>();
        List<Gap> gaps = new ArrayList<>();
        for (int i = 0; i < parts; i++) {
            ps.add(randomPart(r, i == 0, i == parts - 1));
            if (i > 0) {
                long min = r.nextInt(4);
                gaps.add(r.nextBoolean() ? new Gap(min, Gap.UNBOUNDED) : new Gap(min, min + r.nextInt(6)));
            }
        }
        return new BodyPattern(ps, gaps);
    }

    private static Part randomPart(Random r, boolean first, boolean last) {
        List<PatternNode> nodes = new ArrayList<>();
        if (first && r.nextInt(6) == 0) {
            nodes.add(new LookAround(true, ByteSet.of(0), true, false));
        }
        if (r.nextInt(4) == 0) {
            nodes.add(farLookAround(r, true)); // ClamAV's aa[x-y] anchor
        }
        // A literal anchor of two bytes keeps every part anchorable, as ClamAV requires.
        nodes.add(lit(r));
        nodes.add(lit(r));
        int extra = r.nextInt(4);
        for (int i = 0; i < extra; i++) {
            switch (r.nextInt(7)) {
                case 0 -> nodes.add(ByteSet.ANY);
                case 1 -> nodes.add(ByteSet.ofAll('a', 'c'));
                case 2 -> nodes.add(new AnyBytes(0, 1 + r.nextInt(3)));
                case 3 -> nodes.add(new Alternation(List.of(List.of(lit(r)), List.of(lit(r), lit(r))), false));
                case 4 -> nodes.add(new Alternation(List.of(List.of(lit(r)), List.of(lit(r))), true));
                case 5 -> nodes.add(farLookAround(r, r.nextBoolean()));
                default -> nodes.add(lit(r));
            }
        }
        if (r.nextBoolean()) {
            nodes.add(lit(r));
        }
        if (last && r.nextInt(6) == 0) {
            nodes.add(new LookAround(false, ByteSet.of(0), true, false));
        }
        if (r.nextInt(4) == 0) {
            nodes.add(farLookAround(r, false)); // ClamAV's [x-y]aa anchor
        }
        return new Part(nodes);
    }

    private static LookAround farLookAround(Random r, boolean behind) {
        int min = r.nextInt(3);
        ByteSet set = r.nextInt(3) == 0 ? ByteSet.of(0) : lit(r);
        return LookAround.at(behind, set, min, min + r.nextInt(4));
    }

    private static ByteSet lit(Random r) {
        return ByteSet.of(ALPHABET[r.nextInt(ALPHABET.length)]);
    }
}
