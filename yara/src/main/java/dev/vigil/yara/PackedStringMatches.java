package dev.vigil.yara;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.condition.CompiledRule;
import dev.vigil.yara.strings.StringMatches;
import dev.vigil.yara.syntax.StringDecl;

import java.io.IOException;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The string matches of a scan's rules, copied into a few primitive arrays when the scan ends (the data must be
 * read while the input is open) and turned into {@link RuleMatch.StringMatch} objects one at a time as they are read
 * (building hundreds of match objects per scanned file cost several percent of a signature-base scan, and millions
 * of them more memory than any other part of a scan).
 * <p>
 * The matched bytes are copied per match, or, where matches overlap so much that the data they cover is smaller
 * (a million matches of a string over a few megabytes), as the 4 KiB blocks of the input they touch: then the data
 * kept is at most the input's size, however many matches there are.
 */
final class PackedStringMatches {
    private static final int[] NO_RANGE = {0, 0};

    /** Rule index -> {first entry, end entry}. */
    private final Map<Integer, int[]> ranges = new HashMap<>();
    private int count;
    private int[] localString = new int[16];
    private long[] offsets = new long[16];
    private int[] lengths = new int[16];
    private int[] keys = new int[16];
    /**
     * When the data is kept per entry ({@link #readData}): where each entry's starts in {@link #data}; entry i's
     * ends where entry i + 1's starts.
     */
    private int[] dataStart;
    private byte[] data;
    /** Bytes of data the entries added want in all (each its length, at most {@link #maxData}). */
    private long wanted;

    private static final int BLOCK_SHIFT = 12;
    private static final int BLOCK = 1 << BLOCK_SHIFT;
    /** When the data is kept as blocks of the input: the block numbers kept, ascending, and their bytes in order. */
    private long[] blocks;
    private byte[] blockData;
    private long inputSize;
    /** The most bytes of data one match keeps. */
    private final int maxData;

    /**
     * The most matched bytes one report keeps. Copies per match or blocks of the input, whichever is smaller, stay
     * under the input's size and ten million matches of 512 bytes; a huge file with millions of long, disjoint
     * matches could still need gigabytes, so past this bound no data is kept and the scan ends with a limit.
     */
    static final long MAX_KEPT_DATA = 256L << 20;
    private final long maxKeptData;
    private boolean dataCut;

    PackedStringMatches(int maxData) {
        this(maxData, MAX_KEPT_DATA);
    }

    PackedStringMatches(int maxData, long maxKeptData) {
        this.maxData = maxData;
        this.maxKeptData = maxKeptData;
    }

    /** Whether the matched bytes would have passed {@link #MAX_KEPT_DATA}: then every match has no data. */
    boolean dataCut() {
        return dataCut;
    }

    /** Copies the matches of the non-private strings of {@code rule} (index {@code ruleIndex}), in report order. */
    void add(int ruleIndex, CompiledRule rule, StringMatches[] matches, int[] shared) {
        int first = count;
        for (int k = 0; k < rule.strings().size(); k++) {
            StringDecl decl = rule.strings().get(k);
            StringMatches m = matches[shared[rule.stringIndexes()[k]]];
            if (m == null || m.count() == 0 || decl.modifiers().isPrivate()) {
                continue;
            }
            for (int i = 0; i < m.count(); i++) {
                append(k, m.offset(i), m.length(i), decl.modifiers().xor() ? m.xorKey(i) : -1);
            }
        }
        ranges.put(ruleIndex, new int[] {first, count});
    }

    private void append(int k, long offset, int length, int key) {
        if (count == localString.length) {
            int n = count * 2;
            localString = Arrays.copyOf(localString, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            keys = Arrays.copyOf(keys, n);
        }
        localString[count] = k;
        offsets[count] = offset;
        lengths[count] = length;
        keys[count] = key;
        wanted += Math.min(length, maxData);
        count++;
    }

    /**
     * Reads the matched bytes of every entry added (while the input is still open): per entry, or as the blocks they
     * touch where those hold fewer bytes.
     */
    void readData(ScanInput input) {
        inputSize = input.size();
        if (count == 0) {
            return;
        }
        if ((inputSize >>> BLOCK_SHIFT) >= Integer.MAX_VALUE) {
            // past 8 TiB the block numbers do not fit a bit set
            if (!cut(wanted)) {
                readEach(input);
            }
            return;
        }
        java.util.BitSet touched = new java.util.BitSet();
        for (int e = 0; e < count; e++) {
            int want = Math.min(lengths[e], maxData);
            if (want > 0) {
                touched.set((int) (offsets[e] >>> BLOCK_SHIFT), (int) ((offsets[e] + want - 1) >>> BLOCK_SHIFT) + 1);
            }
        }
        long blockBytes = (long) touched.cardinality() * BLOCK;
        if (cut(Math.min(blockBytes, wanted))) {
            return;
        }
        if (blockBytes < wanted) {
            readBlocks(input, touched);
        } else {
            readEach(input);
        }
    }

    /** Whether {@code bytes} of data are too many to keep; if so, every entry is left without data. */
    private boolean cut(long bytes) {
        if (bytes <= maxKeptData) {
            return false;
        }
        dataCut = true;
        dataStart = new int[count + 1];
        data = new byte[0];
        return true;
    }

    private void readBlocks(ScanInput input, java.util.BitSet touched) {
        blocks = new long[touched.cardinality()];
        blockData = new byte[blocks.length * BLOCK];
        int n = 0;
        for (int b = touched.nextSetBit(0); b >= 0; b = touched.nextSetBit(b + 1)) {
            blocks[n] = b;
            try {
                input.readFully((long) b << BLOCK_SHIFT, blockData, n * BLOCK, BLOCK);
            } catch (IOException e) {
                // an unreadable block reads as zeros; its matches were found in what the scan read
            }
            n++;
        }
    }

    private void readEach(ScanInput input) {
        dataStart = new int[count + 1];
        data = new byte[(int) Math.min(wanted, Integer.MAX_VALUE - 16)];
        for (int e = 0; e < count; e++) {
            int start = dataStart[e];
            int want = (int) Math.min(Math.min(lengths[e], maxData), data.length - start);
            int got;
            try {
                got = input.readFully(offsets[e], data, start, want);
            } catch (IOException ex) {
                got = 0; // an unreadable match has no data
            }
            dataStart[e + 1] = start + got;
        }
    }

    /** The bytes of entry {@code e}, as {@link #readData} kept them. */
    private byte[] dataOf(int e) {
        if (blocks == null) {
            return Arrays.copyOfRange(data, dataStart[e], dataStart[e + 1]);
        }
        long offset = offsets[e];
        int got = (int) Math.max(0, Math.min(Math.min(lengths[e], maxData), inputSize - offset));
        if (got == 0) {
            return new byte[0];
        }
        // the blocks an entry touches are all kept, and in order: its bytes lie together
        int first = Arrays.binarySearch(blocks, offset >>> BLOCK_SHIFT);
        int at = first * BLOCK + (int) (offset & (BLOCK - 1));
        return Arrays.copyOfRange(blockData, at, at + got);
    }

    /**
     * The matches recorded for {@code rule}, an empty list when none were: a read-only view that makes each match
     * object when it is read. A rule can hold millions of matches (a million per string); building them all at once
     * took tens of gigabytes where the packed arrays take a few hundred megabytes.
     */
    List<RuleMatch.StringMatch> get(int ruleIndex, CompiledRule rule) {
        int[] range = ranges.getOrDefault(ruleIndex, NO_RANGE);
        if (range[0] == range[1]) {
            return List.of();
        }
        return new View(range[0], range[1] - range[0], rule);
    }

    private final class View extends AbstractList<RuleMatch.StringMatch> implements RandomAccess {
        private final int first;
        private final int size;
        private final CompiledRule rule;

        View(int first, int size, CompiledRule rule) {
            this.first = first;
            this.size = size;
            this.rule = rule;
        }

        @Override
        public RuleMatch.StringMatch get(int index) {
            Objects.checkIndex(index, size);
            int e = first + index;
            return new RuleMatch.StringMatch(rule.strings().get(localString[e]).identifier(), offsets[e], lengths[e],
                    dataOf(e), keys[e]);
        }

        @Override
        public int size() {
            return size;
        }
    }
}
