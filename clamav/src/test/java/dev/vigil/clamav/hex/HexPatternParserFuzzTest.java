package dev.vigil.clamav.hex;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.OffsetSpec;

import static org.assertj.core.api.Assertions.assertThat;

/** Any text must parse into a well-formed pattern or fail with SignatureSyntaxException, never anything else. */
class HexPatternParserFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void hexPattern(FuzzedDataProvider data) {
        int target = data.consumeInt(-1, 15);
        boolean options = data.consumeBoolean();
        String hex = data.consumeRemainingAsAsciiString();
        try {
            BodyPattern p = HexPatternParser.parse(hex, target, options);
            assertThat(p.parts()).isNotEmpty();
            assertThat(p.gaps()).hasSize(p.parts().size() - 1);
            p.parts().forEach(part -> assertThat(part.minLength()).isLessThanOrEqualTo(part.maxLength()));
        } catch (SignatureSyntaxException expected) {
            // refused cleanly
        }
    }

    @FuzzTest(maxDuration = "30s")
    void offset(FuzzedDataProvider data) {
        int target = data.consumeInt(0, 14);
        String offset = data.consumeRemainingAsAsciiString();
        try {
            OffsetSpec spec = OffsetParser.parse(offset, target);
            spec.resolve(100, null);
        } catch (SignatureSyntaxException expected) {
            // refused cleanly
        }
    }
}
