package dev.vigil.engine.ir;

import java.util.List;

/** A run of pattern nodes matched contiguously; the unit the matcher anchors and verifies. */
public record Part(List<PatternNode> nodes) {

    public Part {
        nodes = List.copyOf(nodes);
    }

    public int minLength() {
        return minLength(nodes);
    }

    public int maxLength() {
        return maxLength(nodes);
    }

    static int minLength(List<PatternNode> nodes) {
        long n = 0;
        for (PatternNode p : nodes) {
            n += p.minLength();
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }

    static int maxLength(List<PatternNode> nodes) {
        long n = 0;
        for (PatternNode p : nodes) {
            n += p.maxLength();
        }
        return (int) Math.min(n, Integer.MAX_VALUE);
    }
}
