package dev.vigil.difftest;

import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one engine reported for a group of inputs, keyed by the input's path relative to the group's root (with
 * forward slashes), so that the two engines' outcomes compare directly.
 *
 * @param detections  every input that was scanned, with the names reported for it (empty when clean)
 * @param errors      inputs that could not be scanned, with the reason
 */
public record ScanOutcome(SortedMap<String, SortedSet<String>> detections, SortedMap<String, String> errors) {

    public ScanOutcome {
        detections = unmodifiable(detections);
        errors = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(errors));
    }

    private static SortedMap<String, SortedSet<String>> unmodifiable(Map<String, ? extends Set<String>> in) {
        TreeMap<String, SortedSet<String>> copy = new TreeMap<>();
        in.forEach((k, v) -> copy.put(k, java.util.Collections.unmodifiableSortedSet(new TreeSet<>(v))));
        return java.util.Collections.unmodifiableSortedMap(copy);
    }

    public boolean infected(String file) {
        SortedSet<String> names = detections.get(file);
        return names != null && !names.isEmpty();
    }
}
