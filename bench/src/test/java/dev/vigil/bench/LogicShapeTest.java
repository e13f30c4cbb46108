package dev.vigil.bench;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class LogicShapeTest {

    @Test
    void rendersNestedOperandsInParentheses() {
        LogicShape shape = new LogicShape.And(List.of(new LogicShape.Leaf(0), new LogicShape.Leaf(1),
                new LogicShape.Or(List.of(new LogicShape.Leaf(2), new LogicShape.Leaf(3)))));
        assertThat(shape.render()).isEqualTo("0&1&(2|3)");
        assertThat(new LogicShape.MoreThan(List.of(1, 2), 1, 2).render()).isEqualTo("(1|2)>1,2");
        assertThat(new LogicShape.And(List.of(new LogicShape.Leaf(0), new LogicShape.MoreThan(List.of(1), 1, 0)))
                .render()).isEqualTo("0&1>1");
    }

    @Test
    void countsFollowClamAvSemantics() {
        LogicShape more = new LogicShape.MoreThan(List.of(1, 2), 1, 2);
        assertThat(more.holds(new int[] {0, 2, 0})).isFalse(); // two matches, but from one member only
        assertThat(more.holds(new int[] {0, 1, 1})).isTrue();
        assertThat(more.holds(new int[] {0, 1, 0})).isFalse();
    }

    @Test
    void everyShapeNamesAllSubsignaturesAndRareOnesKeepItFalse() {
        SplittableRandom random = new SplittableRandom(11);
        Pattern index = Pattern.compile("(?<![>,])\\b(\\d+)\\b");
        for (int i = 0; i < 2000; i++) {
            int n = 2 + random.nextInt(5);
            LogicShape shape = LogicShape.random(n, random);
            TreeSet<Integer> named = new TreeSet<>();
            Matcher m = index.matcher(shape.render());
            while (m.find()) {
                named.add(Integer.parseInt(m.group(1)));
            }
            // ClamAV refuses a signature whose subsignature count differs from the highest index + 1.
            assertThat(named).as(shape.render()).hasSize(n).first().isEqualTo(0);
            int[] all = new int[n];
            java.util.Arrays.fill(all, 5);
            boolean[] rare = LogicShape.rareSet(shape, n, random);
            int[] clean = new int[n];
            for (int k = 0; k < n; k++) {
                clean[k] = rare[k] ? 0 : 5;
            }
            assertThat(shape.holds(clean)).as(shape.render()).isFalse();
        }
    }
}
