package dev.vigil.yara.strings;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** How a {@link Program} stores its byte sets: each distinct set once, every CONSUME pointing at its own set. */
class ProgramTest {

    private static Program program(String regex) {
        return Program.compile(RegexParser.parse(regex, false, false).root, PatternString.SCAN_LIMIT + 1);
    }

    /** A counted repeat of a class unrolls into one CONSUME per count, all of them reading one stored set. */
    @Test
    void anUnrolledRepeatStoresItsClassOnce() {
        Program p = program("[a-z]{1,64}x");
        int consumes = 0;
        for (int pc = 0; pc < p.size; pc++) {
            if (p.op[pc] == Program.CONSUME) {
                consumes++;
            }
        }
        assertThat(consumes).isEqualTo(65);
        assertThat(p.sets.length / 4).isEqualTo(2);
    }

    /**
     * Thousands of random sets, many of them repeated (past several growths of the builder's table): each CONSUME
     * reads the set of its node, in emission order, and the program stores as many sets as there are distinct ones.
     */
    @Test
    void everyConsumeReadsItsOwnSetWhateverTheSharing() {
        Random random = new Random(20261124);
        for (int round = 0; round < 20; round++) {
            int distinct = 1 + random.nextInt(round < 10 ? 40 : 3000);
            List<long[]> pool = new ArrayList<>();
            for (int i = 0; i < distinct; i++) {
                long[] set = new long[4];
                // sparse sets differ in few bits, so that near-equal sets meet in the table
                for (int k = 1 + random.nextInt(3); k > 0; k--) {
                    ReNode.add(set, random.nextInt(256));
                }
                pool.add(set);
            }
            List<ReNode> nodes = new ArrayList<>();
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < 3 * distinct; i++) {
                long[] set = pool.get(random.nextInt(distinct)).clone();
                seen.add(key(set, 0));
                nodes.add(ReNode.bytes(set, ReNode.ByteKind.OTHER, 0, 0));
            }
            Program p = Program.compile(ReNode.concat(nodes), PatternString.SCAN_LIMIT + 1);
            int node = 0;
            for (int pc = 0; pc < p.size; pc++) {
                if (p.op[pc] == Program.CONSUME) {
                    assertThat(key(p.sets, 4 * p.arg1[pc])).isEqualTo(key(nodes.get(node++).set, 0));
                }
            }
            assertThat(node).isEqualTo(nodes.size());
            assertThat(p.sets.length / 4).isEqualTo(seen.size());
        }
    }

    private static String key(long[] sets, int at) {
        return sets[at] + ":" + sets[at + 1] + ":" + sets[at + 2] + ":" + sets[at + 3];
    }
}
