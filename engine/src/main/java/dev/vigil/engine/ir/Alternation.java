package dev.vigil.engine.ir;

import java.util.List;

/**
 * One of several node sequences. A negated alternation ({@code !(aa|bb)}) consumes exactly as many bytes as
 * each of its alternatives (they must all have one fixed length) and matches when none of them does.
 */
public record Alternation(List<List<PatternNode>> alternatives, boolean negated) implements PatternNode {

    public Alternation {
        alternatives = alternatives.stream().map(List::copyOf).toList();
        if (alternatives.isEmpty()) {
            throw new IllegalArgumentException("empty alternation");
        }
        if (negated) {
            int len = -1;
            for (List<PatternNode> alt : alternatives) {
                int min = Part.minLength(alt);
                int max = Part.maxLength(alt);
                if (min != max || (len >= 0 && len != min)) {
                    throw new IllegalArgumentException("negated alternatives must share one fixed length");
                }
                len = min;
            }
        }
    }

    @Override
    public int minLength() {
        int m = Integer.MAX_VALUE;
        for (List<PatternNode> alt : alternatives) {
            m = Math.min(m, Part.minLength(alt));
        }
        return m;
    }

    @Override
    public int maxLength() {
        int m = 0;
        for (List<PatternNode> alt : alternatives) {
            m = Math.max(m, Part.maxLength(alt));
        }
        return m;
    }
}
