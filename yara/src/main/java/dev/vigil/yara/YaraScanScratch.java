package dev.vigil.yara;

import dev.vigil.yara.strings.ScanScratch;
import dev.vigil.yara.strings.SetRuns;
import dev.vigil.yara.strings.StringMatches;

import java.util.Arrays;

/**
 * What one scan of a rule set needs beyond its results, kept for the next scan: the per-string match table (one
 * entry per string of the rule set, tens of thousands for large sets, cleared only where a scan touched it), match
 * objects to hand out again, and the matchers' scratch. Belongs to one live scan at a time; see {@link Pool}.
 */
final class YaraScanScratch {
    /** Match objects kept for reuse; a scan touching more strings makes the rest anew. */
    private static final int MAX_FREE = 1 << 14;
    private static final int MAX_KEPT_TOUCHED = 1 << 14;

    final ScanScratch matcher = new ScanScratch();
    /** Per set of the uniform start filters, its runs (see {@code YaraScanState.everyOffset}); made on first use. */
    SetRuns[] setRuns;
    /** Per string: its matches in the current scan, or null before its first atom hit. */
    final StringMatches[] matches;
    /** The strings that got an entry in {@link #matches}, in first-hit order. */
    int[] touched = new int[64];
    int touchedCount;
    /** Per rule, one bit: some string of it has a match (filled once the pass is over). */
    final long[] rulesWithMatches;
    /** Per string: 0 before its guards were asked in this scan, else {@link YaraScanState}'s OPEN or CLOSED. */
    private byte[] gates;
    private StringMatches[] free = new StringMatches[64];
    private int freeCount;
    /** Whether a scan holds it: a second give-back must not put it into the pool twice. */
    private boolean taken;

    YaraScanScratch(int strings, int rules) {
        this.matches = new StringMatches[strings];
        this.rulesWithMatches = new long[(rules + 63) >>> 6];
    }

    /** The matches of string {@code s}, made on its first hit in this scan. */
    StringMatches matchesFor(int s, long onlyAt) {
        StringMatches m = matches[s];
        if (m == null) {
            m = freeCount > 0 ? free[--freeCount] : new StringMatches(matcher);
            m.assign(s, onlyAt);
            matches[s] = m;
            if (touchedCount == touched.length) {
                touched = Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = s;
        }
        return m;
    }

    /**
     * For strings a scan does not verify (closed or deferred, see {@code YaraScanState}): per string, how many
     * offsets their hits could have started a match at (0 before the first hit); per atom, the offset of its last
     * hit. Cleared where a scan counted ({@link #counted}).
     */
    long[] reach;
    long[] lastHit;
    int[] counted = new int[16];
    int countedCount;

    /** Records that string {@code s} got its first count of this scan. */
    void firstCount(int s) {
        if (countedCount == counted.length) {
            counted = Arrays.copyOf(counted, countedCount * 2);
        }
        counted[countedCount++] = s;
    }

    /**
     * In large data, per counted string that {@code YaraPatterns.logsHits} names: the hits the pass counted, as
     * {@code offset << HIT_ATOM_BITS | atom}, so that a string searched alone afterwards reads only the data around
     * them instead of looking for its atoms in all of it again (docs/yara.md: three such searches had taken half a
     * second of a 1.8 s scan of 80 MB). A string whose log would take the scan's logs past {@link #HIT_LOG_BUDGET}
     * entries loses its log (count -1) and is searched as before: the strings with the most hits lose theirs first,
     * as they grow most often.
     */
    private long[][] hitLog;
    private int[] hitLogCount;
    private long hitLogEntries;
    static final int HIT_ATOM_BITS = 23;
    /** At most 8 MiB of logs per scan. */
    static final int HIT_LOG_BUDGET = 1 << 20;

    void logHit(int s, long offset, int atom) {
        if (hitLog == null) {
            hitLog = new long[matches.length][];
            hitLogCount = new int[matches.length];
        }
        int n = hitLogCount[s];
        if (n < 0) {
            return;
        }
        long[] log = hitLog[s];
        if (log == null || n == log.length) {
            int had = log == null ? 0 : log.length;
            int grown = Math.max(16, 2 * had);
            if (hitLogEntries + grown - had > HIT_LOG_BUDGET) {
                hitLog[s] = null;
                hitLogCount[s] = -1;
                hitLogEntries -= had;
                return;
            }
            hitLogEntries += grown - had;
            log = hitLog[s] = log == null ? new long[grown] : Arrays.copyOf(log, grown);
        }
        log[n] = offset << HIT_ATOM_BITS | atom;
        hitLogCount[s] = n + 1;
    }

    /**
     * String {@code s}'s logged hits, sorted by offset and then atom (the order the pass verifies them in) and each
     * once; their number is {@link #loggedHitCount}. Null when it has no log (none kept, or it lost it).
     */
    long[] sortedLoggedHits(int s) {
        if (hitLog == null || hitLogCount[s] <= 0) {
            return null;
        }
        long[] log = hitLog[s];
        int n = hitLogCount[s];
        Arrays.sort(log, 0, n);
        int kept = 1;
        for (int i = 1; i < n; i++) {
            if (log[i] != log[kept - 1]) {
                log[kept++] = log[i];
            }
        }
        hitLogCount[s] = kept;
        return log;
    }

    int loggedHitCount(int s) {
        return hitLogCount[s];
    }

    void ensureCounts(int atoms) {
        if (reach == null) {
            reach = new long[matches.length];
            lastHit = new long[atoms];
        }
    }

    private void clearCounts() {
        for (int i = 0; i < countedCount; i++) {
            reach[counted[i]] = 0;
        }
        if (hitLog != null) {
            // the logs are not kept for the next scan: most scans are of small data, which log nothing
            for (int i = 0; i < countedCount; i++) {
                hitLog[counted[i]] = null;
                hitLogCount[counted[i]] = 0;
            }
            hitLogEntries = 0;
        }
        countedCount = 0;
        if (counted.length > MAX_KEPT_TOUCHED) {
            counted = new int[16];
        }
    }

    /** The gate table, all unasked; made on first use. */
    byte[] clearedGates() {
        if (gates == null) {
            gates = new byte[matches.length];
        } else {
            Arrays.fill(gates, (byte) 0);
        }
        return gates;
    }

    private void begin() {
        matcher.begin();
    }

    /** Empties the table (touched entries only) and keeps their match objects for the next scan. */
    private void end() {
        for (int i = 0; i < touchedCount; i++) {
            int s = touched[i];
            StringMatches m = matches[s];
            matches[s] = null;
            if (freeCount < MAX_FREE) {
                m.recycle();
                if (freeCount == free.length) {
                    free = Arrays.copyOf(free, freeCount * 2);
                }
                free[freeCount++] = m;
            }
        }
        touchedCount = 0;
        clearCounts();
        Arrays.fill(rulesWithMatches, 0);
        if (touched.length > MAX_KEPT_TOUCHED) {
            touched = new int[64];
        }
        matcher.end();
    }

    /**
     * A few scratches for the scans of one rule set. Not a per-thread cache: a scan can start inside another on the
     * same thread (an embedded object, an archive member), and two live scans must never share one. Keeps at most
     * one per processor (16 at most); a scan that finds the pool empty makes its own, and one given back to a full
     * pool is dropped.
     */
    static final class Pool {
        private final int strings;
        private final int rules;
        private final YaraScanScratch[] kept;
        private int count;

        Pool(int strings, int rules) {
            this.strings = strings;
            this.rules = rules;
            this.kept = new YaraScanScratch[Math.max(2, Math.min(16, Runtime.getRuntime().availableProcessors()))];
        }

        /** A scratch for a scan that starts now, owned by it until {@link #giveBack}. */
        YaraScanScratch take() {
            YaraScanScratch s = null;
            synchronized (this) {
                if (count > 0) {
                    s = kept[--count];
                    kept[count] = null;
                }
            }
            if (s == null) {
                s = new YaraScanScratch(strings, rules);
            }
            s.taken = true;
            s.begin();
            return s;
        }

        /** Returns the scratch of a finished scan; its owner must not touch it (or its match objects) again. */
        void giveBack(YaraScanScratch s) {
            if (!s.taken) {
                throw new IllegalStateException("scan scratch given back twice");
            }
            s.taken = false;
            s.end();
            synchronized (this) {
                if (count < kept.length) {
                    kept[count++] = s;
                }
            }
        }

        /** Scratches waiting for a scan (for tests). */
        synchronized int idle() {
            return count;
        }
    }
}
