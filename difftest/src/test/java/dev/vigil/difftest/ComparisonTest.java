package dev.vigil.difftest;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The comparison logic itself: which differences it finds and how it lists them. */
class ComparisonTest {

    private static ScanOutcome outcome(Map<String, List<String>> detections, Map<String, String> errors) {
        TreeMap<String, SortedSet<String>> d = new TreeMap<>();
        detections.forEach((k, v) -> d.put(k, new TreeSet<>(v)));
        return new ScanOutcome(d, new TreeMap<>(errors));
    }

    @Test
    void pairsListWhatEachSideAloneReported() {
        ScanOutcome clam = outcome(Map.of("a", List.of("X", "Y"), "b", List.of()), Map.of());
        ScanOutcome vigil = outcome(Map.of("a", List.of("Y", "Z"), "b", List.of()), Map.of());
        assertThat(Comparison.pairs(clam, vigil))
                .containsExactly("only clamscan: a -> X", "only vigil:    a -> Z");
        assertThat(Comparison.pairs(clam, clam)).isEmpty();
    }

    @Test
    void verdictsIgnoreNamesButNotInfection() {
        ScanOutcome clam = outcome(Map.of("a", List.of("X"), "b", List.of("Y"), "c", List.of()), Map.of());
        ScanOutcome vigil = outcome(Map.of("a", List.of("Other"), "b", List.of(), "c", List.of()), Map.of());
        assertThat(Comparison.verdicts(clam, vigil)).containsExactly("b: clamscan INFECTED [Y], vigil clean");
    }

    @Test
    void anErrorOnOneSideOnlyIsADifference() {
        ScanOutcome clam = outcome(Map.of("a", List.of()), Map.of("b", "Access denied"));
        ScanOutcome vigil = outcome(Map.of("a", List.of(), "b", List.of()), Map.of());
        assertThat(Comparison.verdicts(clam, vigil)).singleElement().asString()
                .contains("error on one side: b").contains("Access denied");
        assertThat(Comparison.pairs(clam, outcome(Map.of("a", List.of()), Map.of("b", "io")))).isEmpty();
    }

    @Test
    void longListsAreCapped() {
        List<String> diffs = java.util.stream.IntStream.range(0, Comparison.MAX_LISTED + 5)
                .mapToObj(i -> "d" + i).toList();
        String message = Comparison.describe("case x", diffs);
        assertThat(message).startsWith("case x: " + diffs.size() + " differences").contains("... and 5 more")
                .doesNotContain("d" + Comparison.MAX_LISTED + "\n");
    }
}
