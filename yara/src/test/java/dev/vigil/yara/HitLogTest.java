package dev.vigil.yara;

import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In data of a million bytes or more, a string the pass only counted (its rules' guards are false, or conditions ask
 * about it at one offset) is searched alone afterwards when its hits could have started a million matches, and a
 * deferred string of a matching rule is searched for the report. The pass logs such strings' hits
 * (YaraScanScratch.logHit): the search then reads the data around them only; a string without a log (its hits start
 * few matches each, or its log outgrew the scan's budget) is searched through all the data as before. Both must
 * give the matches and warnings of a full search; the CLI's comparison with yara (YaraOptionsComparisonTest,
 * logged.yar) holds them to yara's output.
 */
class HitLogTest {

    private static final int MIB = 1 << 20;
    private static final int BLOCKS = 7000;
    private static final int BLOCK = 208;

    /**
     * $j: each "ABCD" ends a match from each of the 200 zeros before it, 1.4 million in all: the cap. $d: a 'Z' in
     * every 50th block starts one match, 140 in all; the rule asks about the first one only, so $d is deferred and
     * its matches are searched for the report.
     */
    private static final String RULES = """
            rule cap_far { strings: $j = { 00 [0-200] 41 42 43 44 } condition: uint16(0) == 0x1234 and $j }
            rule deferred_far { strings: $d = { 5A [0-120] 45 46 47 48 } condition: $d at %d }
            rule zeros { strings: $z = { 00 00 } condition: filesize < 10 and $z }
            """.formatted(150);

    /** 7,000 blocks of 200 zeros, "ABCD", "EFGH" (a 'Z' at 150 in every 50th), then zeros up to {@code size}. */
    private static byte[] data(int size) {
        byte[] d = new byte[size];
        byte[] tail = "ABCDEFGH".getBytes(StandardCharsets.ISO_8859_1);
        for (int b = 0; b < BLOCKS; b++) {
            System.arraycopy(tail, 0, d, b * BLOCK + 200, tail.length);
            if (b % 50 == 0) {
                d[b * BLOCK + 150] = 'Z';
            }
        }
        return d;
    }

    private static YaraScanResult scan(String rules, CountingInput in) throws Exception {
        YaraRules compiled = new YaraCompiler().addSource(rules, "default", "log.yar").compile();
        YaraPatterns p = compiled.scanPatterns(YaraScanOptions.DEFAULT, in.size());
        Engine engine = Engine.builder().add(p).build();
        ScanResult r = engine.scan(in, new ScanOptions(true, ScanLimits.NONE));
        assertThat(r.limitExceeded()).isNull();
        return (YaraScanResult) r.reports().get(0);
    }

    /**
     * Only the first 1.5 MiB of 8 MiB hold hits: the searches of $j and $d after the pass read about that much each,
     * where searches through all the data would read 16 MiB.
     */
    @Test
    void loggedStringsAreSearchedAroundTheirHitsOnly() throws Exception {
        CountingInput in = new CountingInput(data(8 * MIB));
        YaraScanResult r = scan(RULES.lines().filter(l -> !l.contains("rule zeros"))
                .collect(Collectors.joining("\n")), in);
        assertThat(r.warnings()).containsExactly(
                "warning: rule \"cap_far\": too many matches for $j, results for this rule may be incorrect");
        assertThat(r.matches()).singleElement().satisfies(m -> {
            assertThat(m.name()).isEqualTo("deferred_far");
            assertThat(m.strings()).hasSize(BLOCKS / 50);
            assertThat(m.strings().get(0).offset()).isEqualTo(150);
            assertThat(m.strings().get(BLOCKS / 50 - 1).offset()).isEqualTo((BLOCKS - 50) * BLOCK + 150L);
        });
        assertThat(in.bytesRead).as("bytes read, the pass's 8 MiB included").isLessThan(8 * MIB + 4 * MIB);
    }

    /**
     * $z, whose hits start one match each, is not logged (YaraPatterns.logsHits): it hits at nearly every offset of
     * 8 MiB, is searched through the data as before, and still warns; $j and $d keep their logs.
     */
    @Test
    void aStringWithoutALogIsSearchedAsBefore() throws Exception {
        CountingInput in = new CountingInput(data(8 * MIB));
        YaraScanResult r = scan(RULES, in);
        assertThat(r.warnings()).containsExactlyInAnyOrder(
                "warning: rule \"cap_far\": too many matches for $j, results for this rule may be incorrect",
                "warning: rule \"zeros\": too many matches for $z, results for this rule may be incorrect");
        assertThat(r.matches()).singleElement().satisfies(m -> assertThat(m.strings()).hasSize(BLOCKS / 50));
    }

    /**
     * The budget: a string whose log would take all logs past it loses its log, and its entries go back to the
     * budget; the others keep theirs, sorted and each hit once.
     */
    @Test
    void theLogsStayWithinTheirBudget() {
        YaraScanScratch x = new YaraScanScratch(3, 1);
        x.ensureCounts(8);
        x.firstCount(0);
        x.firstCount(1);
        x.firstCount(2);
        x.logHit(1, 70, 5);
        x.logHit(1, 70, 3);
        x.logHit(1, 70, 5); // the same hit twice is verified once
        x.logHit(1, 12, 7);
        for (int i = 0; i < YaraScanScratch.HIT_LOG_BUDGET; i++) {
            x.logHit(0, i, 1);
        }
        assertThat(x.sortedLoggedHits(0)).as("the string past the budget").isNull();
        for (int i = 0; i < YaraScanScratch.HIT_LOG_BUDGET / 2; i++) {
            x.logHit(2, i, 2); // half the budget: fits only once string 0 gave its half back
        }
        long[] hits = x.sortedLoggedHits(1);
        int bits = YaraScanScratch.HIT_ATOM_BITS;
        assertThat(Arrays.copyOf(hits, x.loggedHitCount(1)))
                .containsExactly(12L << bits | 7, 70L << bits | 3, 70L << bits | 5);
        assertThat(x.loggedHitCount(2)).isEqualTo(YaraScanScratch.HIT_LOG_BUDGET / 2);
    }

    /**
     * A file cut short after the pass (its reads then end early): the searches from the logs end too, where a
     * window that could not reach the next hit used to be read again forever.
     */
    @Test
    @Timeout(value = 20, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void dataCutShortAfterThePassEndsTheSearches() throws Exception {
        CountingInput in = new CountingInput(data(8 * MIB));
        in.cutAfterRead = 8 * MIB;
        YaraScanResult r = scan(RULES.lines().filter(l -> !l.contains("rule zeros"))
                .collect(Collectors.joining("\n")), in);
        assertThat(r.warnings()).isEmpty();
        assertThat(r.matches()).isEmpty();
    }
}
