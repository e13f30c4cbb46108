package dev.vigil.yara.condition;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.strings.MatchView;

/** What conditions read from one scan. Called from one thread per evaluation. */
public interface ScanContext {

    /** Matches of the string with this global index (see {@link CompiledRule#stringIndexes()}); never null. */
    MatchView matches(int stringIndex);

    long filesize();

    /** Random access for {@code uint32(…)} and friends. */
    ScanInput input();

    /** The entry point offset for the deprecated {@code entrypoint} keyword, or null when undefined. */
    Long entrypoint();

    /**
     * Global indexes of the strings that may have matches, in any order: every string with a match is among them
     * (others may be too). Null when not known; then each string is asked through {@link #matches}. Lets the
     * evaluation find the few rules with a matching string without asking for every string of every rule.
     */
    default int[] stringsWithHits() {
        return null;
    }

    /** The values of an imported module for this scan, loaded lazily by the caller; null when unavailable. */
    StructValue module(String name);
}
