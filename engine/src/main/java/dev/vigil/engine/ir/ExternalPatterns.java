package dev.vigil.engine.ir;

import java.util.List;

/**
 * Patterns whose exact matching belongs to the language that wrote them (YARA strings, whose regex start offsets,
 * match lengths and per-string match lists follow YARA's rules). The engine puts their atoms into the same atom index
 * as every other signature, so the one pass over the bytes serves them too, and hands each atom occurrence to the
 * language's verifier. Immutable and thread-safe; per-scan state lives in the {@link ExternalScan} it begins.
 */
public interface ExternalPatterns {

    /** The atoms, 1 to 4 literal bytes each; an occurrence of atom {@code i} calls {@link ExternalScan#atom}. */
    List<byte[]> atoms();

    /**
     * Per atom, an optional {@link AtomFilter}: three longs each (place, mask, value; mask 0: none), in the order of
     * {@link #atoms()}. The engine hands {@link ExternalScan#atom} only the hits their filter does not reject. Null:
     * no filters.
     */
    default long[] atomFilters() {
        return null;
    }

    /** Whether some pattern has no usable atom, so that {@link ExternalScan#everyOffset} runs at each position. */
    boolean needsEveryOffset();

    /** How many detection signatures these patterns stand for (counted with the others as "Known viruses"). */
    default int signatureCount() {
        return 0;
    }

    /** Bytes of data the verifier may read before an atom position. */
    int maxBack();

    /** Bytes of data the verifier may read from an atom position on. */
    int maxForward();

    /**
     * Starts one scan of the raw data.
     *
     * @param deadlineNanos the {@link System#nanoTime()} after which evaluation should stop (Long.MAX_VALUE: none)
     */
    ExternalScan begin(long deadlineNanos);

    /**
     * The state of one scan. The engine calls {@link #atom} in increasing position order, and {@link #everyOffset}
     * for each range of positions before the atoms in that range; {@code buf[0..valid)} holds data whose offset is
     * {@code base + i}, with at least {@link #maxBack()} bytes before each position (or everything from offset 0)
     * and {@link #maxForward()} from it (or everything to the end); {@code size} is the size of the whole data.
     */
    interface ExternalScan {

        /**
         * Called once before the pass over the raw data (never for empty data), with what is known of the data
         * then: its size and random access to it. A scan may use it to find out which of its patterns cannot matter.
         */
        default void start(EvaluationContext context) {
        }

        /**
         * A hit of atom {@code atom} at {@code buf[pos]} that its {@link ExternalPatterns#atomFilters() filter} did
         * not reject.
         */
        void atom(int atom, byte[] buf, long base, int valid, long size, int pos);

        /** Atom-less patterns: every position in {@code buf[from, to)}, in one call so the loop can be the pattern's. */
        void everyOffset(byte[] buf, long base, int valid, long size, int from, int to);

        /**
         * After the pass: evaluates what the pass found and returns the detections. {@code complete} is false when
         * a limit stopped the pass early.
         */
        List<dev.vigil.engine.Detection> finish(EvaluationContext context, boolean complete);

        /**
         * The limit that stopped {@link #finish}'s own work early, named as {@code ScanResult.limitExceeded()} names
         * them ({@code MaxScanTime}), or null. The engine reports it when the pass itself finished.
         */
        default String limitReached() {
            return null;
        }

        /** What the language reports beyond detections (e.g. YARA's string matches), or null. */
        Object report();
    }
}
