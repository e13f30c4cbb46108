package dev.vigil.yara.condition;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.strings.MatchView;

/** What conditions read from one scan. Called from one thread per evaluation. */
public interface ScanContext {

    /** Matches of the string with this global index (see {@link CompiledRule#stringIndexes()}); never null. */
    MatchView matches(int stringIndex);

    /**
     * Whether some string of rule {@code rule} (whose strings are {@code stringIndexes}) has a match. Conditions
     * that need a match are skipped when not; a scan that knows which rules have matches answers without looking
     * at every string.
     */
    default boolean anyStringMatched(int rule, int[] stringIndexes) {
        for (int s : stringIndexes) {
            if (matches(s).count() > 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * Bit j: whether some string of rule {@code 64 * word + j} has a match ({@link #anyStringMatched}, rule r's
     * strings being {@code ruleStrings[r]}); a scan that keeps such bits answers for 64 rules at once.
     */
    default long rulesWithAnyMatch(int word, int[][] ruleStrings) {
        long bits = 0;
        for (int r = word << 6; r < Math.min(ruleStrings.length, (word << 6) + 64); r++) {
            if (anyStringMatched(r, ruleStrings[r])) {
                bits |= 1L << r;
            }
        }
        return bits;
    }

    /** Whether the string with this global index has a match at offset {@code pos} ({@code $a at pos}). */
    default boolean matchesAt(int stringIndex, long pos) {
        return ConditionCompiler.firstAtOrAfter(matches(stringIndex), pos) == pos;
    }

    long filesize();

    /** Random access for {@code uint32(…)} and friends. */
    ScanInput input();

    /** The entry point offset for the deprecated {@code entrypoint} keyword, or null when undefined. */
    Long entrypoint();

    /** The values of an imported module for this scan, loaded lazily by the caller; null when unavailable. */
    StructValue module(String name);
}
