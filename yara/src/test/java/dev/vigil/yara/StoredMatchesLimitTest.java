package dev.vigil.yara;

import dev.vigil.yara.strings.ScanScratch;
import dev.vigil.yara.strings.StringMatches;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One scan keeps at most {@link ScanScratch#MAX_STORED_MATCHES} string matches, all strings together: a rule set whose
 * strings match at every offset must end with a clear "limit reached", not take gigabytes (yara 4.5.2 took 4 GB for
 * 64 such strings over 3 MB; Vigil ran out of heap). Below the bound nothing changes.
 */
class StoredMatchesLimitTest {

    /** Strings of 1 to {@code n} zero bytes: over a million zeros, each matches about a million times. */
    private static YaraRules zeros(int n, String condition) throws Exception {
        StringBuilder sb = new StringBuilder("rule zeros { strings:");
        for (int i = 0; i < n; i++) {
            sb.append(" $z").append(i).append(" = {").append(" 00".repeat(i + 1)).append(" }");
        }
        sb.append(" condition: ").append(condition).append(" }");
        return new YaraCompiler().addSource(sb.toString(), "default", "zeros.yar").compile();
    }

    private static final byte[] DATA = new byte[(int) StringMatches.MAX_MATCHES];

    @Test
    void elevenStringsOfAMillionMatchesReachTheBound() throws Exception {
        assertThat(11L * StringMatches.MAX_MATCHES - 55).isGreaterThan(ScanScratch.MAX_STORED_MATCHES);
        YaraScanResult r = zeros(11, "#z0 == 0 and all of them").scan(DATA, YaraScanOptions.DEFAULT);
        assertThat(r.warnings()).contains("scan stopped: MaxStringMatches");
        assertThat(r.matches()).isEmpty();
    }

    @Test
    void tenStringsOfAMillionMatchesStayBelowIt() throws Exception {
        assertThat(10L * StringMatches.MAX_MATCHES).isLessThanOrEqualTo(ScanScratch.MAX_STORED_MATCHES);
        YaraRules rules = zeros(10, "#z0 == " + StringMatches.MAX_MATCHES + " and #z9 == "
                + (StringMatches.MAX_MATCHES - 9) + " and all of them");
        YaraScanResult r = rules.scan(DATA, YaraScanOptions.DEFAULT);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.matches()).extracting(RuleMatch::name).containsExactly("zeros");
        RuleMatch m = r.matches().get(0);
        assertThat(m.strings()).hasSize((int) (10L * StringMatches.MAX_MATCHES - 45));
        // the report's match objects are made as they are read: the last one is the ten-byte string's last match
        RuleMatch.StringMatch last = m.strings().get(m.strings().size() - 1);
        assertThat(last.identifier()).isEqualTo("$z9");
        assertThat(last.offset()).isEqualTo(StringMatches.MAX_MATCHES - 10);
        assertThat(last.data()).hasSize(10).containsOnly((byte) 0);
        // a second scan of the same rules starts from nothing kept
        assertThat(rules.scan(DATA, YaraScanOptions.DEFAULT).warnings()).isEmpty();
    }
}
