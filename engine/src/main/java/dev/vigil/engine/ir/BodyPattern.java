package dev.vigil.engine.ir;

import java.util.List;

/**
 * A byte pattern: parts that must occur in order, {@code gaps.get(i)} apart between part {@code i} and {@code i+1}.
 * A match's offset is the start of its first part.
 */
public record BodyPattern(List<Part> parts, List<Gap> gaps) {

    public BodyPattern {
        parts = List.copyOf(parts);
        gaps = List.copyOf(gaps);
        if (parts.isEmpty() || gaps.size() != parts.size() - 1) {
            throw new IllegalArgumentException("a pattern needs n parts and n-1 gaps");
        }
    }

    public static BodyPattern of(Part part) {
        return new BodyPattern(List.of(part), List.of());
    }
}
