package dev.vigil.clamav.ldb;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.clamav.LoadOptions;
import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.ir.LogicalSignature;
import dev.vigil.engine.ir.SubSignature;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Hostile lines must parse or fail with SignatureSyntaxException, never anything else, and evaluate safely. */
class LdbFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void ldbLine(FuzzedDataProvider data) {
        String line = new String(data.consumeRemainingAsBytes(), StandardCharsets.ISO_8859_1);
        try {
            LogicalSignature sig = LdbParser.parse(line, "Fuzz", LoadOptions.DEFAULT);
            if (sig != null) {
                int n = sig.subsignatures().size();
                assertThat(sig.expression().maxSubsignature()).isEqualTo(n - 1);
                int[] counts = new int[n];
                sig.expression().evaluate(counts);
                byte[] sample = line.getBytes(StandardCharsets.ISO_8859_1);
                long[][] offsets = new long[n][];
                java.util.Arrays.fill(offsets, new long[] {0});
                for (int i = 0; i < n; i++) {
                    if (sig.subsignatures().get(i) instanceof SubSignature.Post post) {
                        java.util.Arrays.fill(counts, 1);
                        post.evaluate(new TestContext(sample, counts, offsets), counts);
                    }
                }
            }
        } catch (SignatureSyntaxException expected) {
            // rejected cleanly
        }
    }

    @FuzzTest(maxDuration = "30s")
    void logicExpression(FuzzedDataProvider data) {
        String text = data.consumeString(200);
        int[] counts = new int[64];
        for (int i = 0; i < counts.length && data.remainingBytes() > 0; i++) {
            counts[i] = data.consumeInt(0, 5);
        }
        try {
            ClamLogicExpression e = ClamLogicExpression.parse(text);
            e.evaluate(counts);
            e.evaluate(new int[0]);
        } catch (SignatureSyntaxException expected) {
            // rejected cleanly
        }
    }

    @FuzzTest(maxDuration = "30s")
    void pcre(FuzzedDataProvider data) {
        String flags = data.consumeString(4);
        String regex = data.consumeString(100);
        byte[] subject = data.consumeRemainingAsBytes();
        try {
            PcreSubSignature p = PcreSubSignature.parse("0/" + regex + "/" + flags, 1, 0);
            p.evaluate(new TestContext(subject, new int[] {1, 0}, new long[][] {{0}, {}}), new int[] {1, 0});
        } catch (SignatureSyntaxException expected) {
            // rejected cleanly
        }
    }
}
