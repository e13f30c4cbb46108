package dev.vigil.engine.image;

import dev.vigil.engine.Engine;
import dev.vigil.engine.EngineImage;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.filetype.MagicRule;
import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.AnyBytes;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;
import dev.vigil.engine.ir.LogicExpression;
import dev.vigil.engine.ir.LogicalSignature;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import dev.vigil.engine.ir.SubSignature;
import dev.vigil.engine.ir.TargetDescription;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An engine read back from its image scans exactly like the engine that wrote it, and a damaged image is refused
 * with {@link ImageFormatException}. (The differential test module repeats the round trip over every ClamAV
 * signature case it has.)
 */
class EngineImageTest {

    /** A reader-owned expression, as the clamav module's are: "all of the first n subsignatures". */
    record AllOf(int n) implements LogicExpression, ImageEncodable {
        @Override
        public boolean evaluate(int[] counts) {
            for (int i = 0; i < n; i++) {
                if (counts[i] == 0) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int maxSubsignature() {
            return n - 1;
        }

        @Override
        public String imageCodec() {
            return "test.allof";
        }

        @Override
        public String imageText() {
            return Integer.toString(n);
        }
    }

    /** A post-processing subsignature: counts 1 when the data is longer than a threshold. */
    record LongerThan(long size) implements SubSignature.Post, ImageEncodable {
        @Override
        public int evaluate(EvaluationContext context, int[] counts) {
            try {
                return context.input().size() > size ? 1 : 0;
            } catch (RuntimeException e) {
                return 0;
            }
        }

        @Override
        public String imageCodec() {
            return "test.longer";
        }

        @Override
        public String imageText() {
            return Long.toString(size);
        }
    }

    static final ImageDecoder DECODER = (codec, text, sub, target) -> switch (codec) {
        case "test.allof" -> new AllOf(Integer.parseInt(text));
        case "test.longer" -> new LongerThan(Long.parseLong(text));
        default -> throw new ImageFormatException("unknown codec " + codec);
    };

    static List<PatternNode> literal(String s) {
        List<PatternNode> nodes = new ArrayList<>();
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            nodes.add(ByteSet.of(b & 0xff));
        }
        return nodes;
    }

    static Engine sampleEngine() throws Exception {
        byte[] hashed = "hashed content\n".getBytes(StandardCharsets.US_ASCII);
        List<PatternNode> mixed = new ArrayList<>(literal("MIX"));
        mixed.add(new AnyBytes(0, 3));
        mixed.add(new Alternation(List.of(literal("ab"), literal("cd")), false));
        mixed.add(new LookAround(false, ByteSet.of('!'), true, false, 0, 0));
        BodyPattern twoParts = new BodyPattern(List.of(new Part(literal("FIRST")), new Part(literal("SECOND"))),
                List.of(new Gap(0, 10)));
        return Engine.builder()
                .add(new HashSignature("Test.Md5", HashAlgorithm.MD5,
                        MessageDigest.getInstance("MD5").digest(hashed), hashed.length, HashScope.FILE))
                .add(new HashSignature("Test.Sha256.AnySize", HashAlgorithm.SHA256,
                        MessageDigest.getInstance("SHA-256").digest(hashed), HashSignature.ANY_SIZE, HashScope.FILE))
                .add(new BodySignature("Test.Body.Literal", 0, null, BodyPattern.of(new Part(literal("needle-one")))))
                .add(new BodySignature("Test.Body.Mixed", 0, new OffsetSpec.Any(), BodyPattern.of(new Part(mixed))))
                .add(new BodySignature("Test.Body.TwoParts", 0, new OffsetSpec.Absolute(2, 100), twoParts))
                .add(new LogicalSignature("Test.Logical", TargetDescription.ofTarget(0), new AllOf(3), List.of(
                        new SubSignature.Content(new OffsetSpec.Any(), List.of(BodyPattern.of(new Part(literal("lsig-a"))))),
                        new SubSignature.Content(new OffsetSpec.FromEnd(20, 0), List.of(BodyPattern.of(new Part(literal("lsig-b"))))),
                        new LongerThan(30))))
                .add(new MagicRule(0, 0, "VIGILTYPE".getBytes(StandardCharsets.US_ASCII), null, "test type",
                        FileType.ANY, FileType.of("CL_TYPE_ZIP")))
                .source("test signatures")
                .build();
    }

    static List<byte[]> inputs() {
        List<byte[]> out = new ArrayList<>();
        for (String s : List.of("", "hashed content\n", "xx needle-one yy", "MIXZZab! and MIXcd?", "..FIRST..SECOND",
                "FIRSTSECOND", "lsig-a padding padding padding lsig-b....", "lsig-a lsig-b", "VIGILTYPE needle-one")) {
            out.add(s.getBytes(StandardCharsets.ISO_8859_1));
        }
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            byte[] b = new byte[random.nextInt(4000)];
            random.nextBytes(b);
            out.add(b);
        }
        return out;
    }

    static byte[] image(Engine engine, long known) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EngineImage.write(engine, known, out);
        return out.toByteArray();
    }

    static String describe(ScanResult r) {
        return r.detections() + " " + r.fileType() + " " + r.limitExceeded();
    }

    @Test
    void imageScansLikeTheEngineThatWroteIt() throws Exception {
        Engine original = sampleEngine();
        EngineImage.Loaded loaded = EngineImage.read(image(original, 12), DECODER);
        assertThat(loaded.knownSignatures()).isEqualTo(12);
        assertThat(loaded.engine().signatureCount()).isEqualTo(original.signatureCount());
        assertThat(loaded.engine().sources()).isEqualTo(original.sources());
        int detected = 0;
        for (byte[] input : inputs()) {
            ScanResult expected = original.scan(input, ScanOptions.DEFAULT.withAllMatch(true));
            ScanResult actual = loaded.engine().scan(input, ScanOptions.DEFAULT.withAllMatch(true));
            assertThat(describe(actual)).isEqualTo(describe(expected));
            detected += expected.detections().size();
        }
        // the sample must exercise the signatures, or the comparison proves nothing
        assertThat(detected).isGreaterThanOrEqualTo(6);
    }

    @Test
    void imageIsDeterministic() throws Exception {
        Engine engine = sampleEngine();
        assertThat(image(engine, 1)).isEqualTo(image(EngineImage.read(image(engine, 1), DECODER).engine(), 1));
    }

    /**
     * Positions to damage: every one of the header and the first and last kilobytes (lengths, counts, the
     * checksum), and a spread over the bulk tables in between (a full read per position; the image is megabytes).
     */
    static int[] positions(int length) {
        java.util.TreeSet<Integer> set = new java.util.TreeSet<>();
        for (int i = 0; i < Math.min(length, 1024); i++) {
            set.add(i);
            set.add(length - 1 - i);
        }
        Random random = new Random(11);
        for (int i = 0; i < 300; i++) {
            set.add(random.nextInt(length));
        }
        return set.stream().mapToInt(Integer::intValue).filter(i -> i >= 0).toArray();
    }

    @Test
    void truncationIsRefused() throws Exception {
        byte[] full = image(sampleEngine(), 1);
        for (int n : positions(full.length)) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            assertThatThrownBy(() -> EngineImage.read(cut, DECODER)).isInstanceOf(ImageFormatException.class);
        }
    }

    @Test
    void flippedBytesAreRefused() throws Exception {
        byte[] full = image(sampleEngine(), 1);
        for (int i : positions(full.length)) {
            byte[] bad = full.clone();
            bad[i] ^= 0x20;
            assertThatThrownBy(() -> EngineImage.read(bad, DECODER)).as("byte %d", i)
                    .isInstanceOf(ImageFormatException.class);
        }
    }

    @Test
    void otherFormatVersionsAndMissingDecodersAreRefusedClearly() throws Exception {
        byte[] full = image(sampleEngine(), 1);
        byte[] version = full.clone();
        int at = "VIGIL-ENGINE-IMAGE\n".length() + 3;
        version[at]++;
        assertThatThrownBy(() -> EngineImage.read(version, DECODER)).isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("compile the database again");
        assertThatThrownBy(() -> EngineImage.read(full, ImageDecoder.NONE)).isInstanceOf(ImageFormatException.class)
                .hasMessageContaining("test.allof");
        assertThatThrownBy(() -> EngineImage.read("not an image".getBytes(StandardCharsets.US_ASCII), DECODER))
                .isInstanceOf(ImageFormatException.class).hasMessageContaining("not a Vigil engine image");
    }
}
