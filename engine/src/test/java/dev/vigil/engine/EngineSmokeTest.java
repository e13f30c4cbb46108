package dev.vigil.engine;

import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EngineSmokeTest {

    static Part literal(String s) {
        List<PatternNode> nodes = new ArrayList<>();
        for (byte b : s.getBytes(StandardCharsets.ISO_8859_1)) {
            nodes.add(ByteSet.of(b));
        }
        return new Part(nodes);
    }

    @Test
    void findsLiteralHashAndMultiPartPatterns() throws Exception {
        byte[] data = "xxhello world, this is a test of the vigil engine yy".getBytes(StandardCharsets.ISO_8859_1);
        byte[] md5 = MessageDigest.getInstance("MD5").digest(data);
        Engine e = Engine.builder()
                .add(new BodySignature("Lit", 0, new OffsetSpec.Any(), BodyPattern.of(literal("world"))))
                .add(new BodySignature("At2", 0, new OffsetSpec.Absolute(2, 0), BodyPattern.of(literal("hello"))))
                .add(new BodySignature("At3", 0, new OffsetSpec.Absolute(3, 0), BodyPattern.of(literal("hello"))))
                .add(new BodySignature("Multi", 0, new OffsetSpec.Any(),
                        new BodyPattern(List.of(literal("this"), literal("vigil")), List.of(Gap.ANY))))
                .add(new BodySignature("MultiTooFar", 0, new OffsetSpec.Any(),
                        new BodyPattern(List.of(literal("this"), literal("vigil")), List.of(new Gap(0, 5)))))
                .add(new BodySignature("Order", 0, new OffsetSpec.Any(),
                        new BodyPattern(List.of(literal("vigil"), literal("this")), List.of(Gap.ANY))))
                .add(new HashSignature("H", HashAlgorithm.MD5, md5, data.length, HashScope.FILE))
                .build();
        ScanResult r = e.scan(data, ScanOptions.DEFAULT.withAllMatch(true));
        assertThat(r.detections()).extracting(Detection::name)
                .containsExactlyInAnyOrder("Lit", "At2", "Multi", "H");
        assertThat(r.detections()).filteredOn(d -> d.name().equals("Lit")).extracting(Detection::offset)
                .containsExactly(8L);
    }
}
