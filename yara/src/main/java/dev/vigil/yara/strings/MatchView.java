package dev.vigil.yara.strings;

/**
 * The matches of one YARA string in one scan, in ascending offset order, at most one per offset. Conditions read
 * {@code #a}, {@code @a[i]} and {@code !a[i]} from here; {@code i} is 0-based in this API.
 */
public interface MatchView {

    int count();

    long offset(int i);

    int length(int i);
}
