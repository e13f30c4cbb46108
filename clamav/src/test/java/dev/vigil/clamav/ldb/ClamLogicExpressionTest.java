package dev.vigil.clamav.ldb;

import dev.vigil.clamav.SignatureSyntaxException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClamLogicExpressionTest {

    @Test
    void parsesRealWorldExpressionsOrRejectsThemCleanly() throws Exception {
        int parsed = 0;
        java.util.List<String> corpus = LogicExpressions.corpus();
        for (String e : corpus) {
            try {
                ClamLogicExpression x = ClamLogicExpression.parse(e);
                assertThat(x.maxSubsignature()).as(e).isBetween(0, 63);
                parsed++;
            } catch (SignatureSyntaxException expected) {
                // checked against clamscan in LdbLoadOracleTest
            }
        }
        // Every corpus expression comes from a signature clamscan loads (../shared) or is generated in the form
        // ClamAV accepts (LdbLoadOracleTest checks both against clamscan), so all of them must parse.
        assertThat(parsed).isEqualTo(corpus.size());
    }

    @Test
    void splitsAtTheFirstTopLevelOperatorWithoutPrecedence() throws Exception {
        ClamLogicExpression e = ClamLogicExpression.parse("0&1|2");
        // 0&(1|2): false when 0 is absent even though 2 matched
        assertThat(e.evaluate(new int[] {0, 0, 1})).isFalse();
        assertThat(e.evaluate(new int[] {1, 0, 1})).isTrue();
    }

    @Test
    void blockCountIsTheSumOfMatchesAndDistinctCountsSubsignatures() throws Exception {
        ClamLogicExpression e = ClamLogicExpression.parse("(0|1)>2,2");
        assertThat(e.evaluate(new int[] {3, 0})).isFalse();
        assertThat(e.evaluate(new int[] {2, 1})).isTrue();
        assertThat(e.evaluate(new int[] {1, 1})).isFalse();
    }

    @Test
    void rejectsMalformedExpressions() {
        for (String bad : new String[] {"", "&", "0&", "&0", "(0", "0)", "0=", "(0|1)>", "x", "()", "0|(1"}) {
            assertThatThrownBy(() -> ClamLogicExpression.parse(bad)).as(bad)
                    .isInstanceOf(SignatureSyntaxException.class);
        }
    }

    @Test
    void refusesAbsurdNestingInsteadOfOverflowingTheStack() {
        String deep = "(".repeat(100_000) + "0" + ")".repeat(100_000);
        assertThatThrownBy(() -> ClamLogicExpression.parse(deep)).isInstanceOf(SignatureSyntaxException.class);
    }
}
