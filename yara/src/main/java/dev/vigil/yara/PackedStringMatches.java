package dev.vigil.yara;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.yara.condition.CompiledRule;
import dev.vigil.yara.strings.StringMatches;
import dev.vigil.yara.syntax.StringDecl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The string matches of a scan's rules, copied into a few primitive arrays when the scan ends (the data must be
 * read while the input is open) and turned into {@link RuleMatch.StringMatch} lists when asked for: at once for the
 * rules that matched, on first read for the others (few callers ask; building hundreds of match objects per scanned
 * file for them cost several percent of a signature-base scan).
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
    /** Start of each entry's data in {@link #data}; entry i's data ends where entry i + 1's starts. */
    private int[] dataStart = new int[17];
    private byte[] data = new byte[1024];

    /** Copies the matches of the non-private strings of {@code rule} (index {@code ruleIndex}), in report order. */
    void add(int ruleIndex, CompiledRule rule, StringMatches[] matches, int[] shared, ScanInput input, int maxData) {
        int first = count;
        for (int k = 0; k < rule.strings().size(); k++) {
            StringDecl decl = rule.strings().get(k);
            StringMatches m = matches[shared[rule.stringIndexes()[k]]];
            if (m == null || m.count() == 0 || decl.modifiers().isPrivate()) {
                continue;
            }
            for (int i = 0; i < m.count(); i++) {
                append(k, m.offset(i), m.length(i), decl.modifiers().xor() ? m.xorKey(i) : -1, input, maxData);
            }
        }
        ranges.put(ruleIndex, new int[] {first, count});
    }

    private void append(int k, long offset, int length, int key, ScanInput input, int maxData) {
        if (count == localString.length) {
            int n = count * 2;
            localString = Arrays.copyOf(localString, n);
            offsets = Arrays.copyOf(offsets, n);
            lengths = Arrays.copyOf(lengths, n);
            keys = Arrays.copyOf(keys, n);
            dataStart = Arrays.copyOf(dataStart, n + 1);
        }
        int start = dataStart[count];
        int want = Math.min(length, maxData);
        if (data.length - start < want) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, start + want));
        }
        int got;
        try {
            got = input.readFully(offset, data, start, want);
        } catch (IOException e) {
            got = 0; // an unreadable match has no data
        }
        localString[count] = k;
        offsets[count] = offset;
        lengths[count] = length;
        keys[count] = key;
        dataStart[count + 1] = start + got;
        count++;
    }

    /** The matches recorded for {@code rule}, an empty list when none were. */
    List<RuleMatch.StringMatch> get(int ruleIndex, CompiledRule rule) {
        int[] range = ranges.getOrDefault(ruleIndex, NO_RANGE);
        if (range[0] == range[1]) {
            return List.of();
        }
        List<RuleMatch.StringMatch> out = new ArrayList<>(range[1] - range[0]);
        for (int e = range[0]; e < range[1]; e++) {
            out.add(new RuleMatch.StringMatch(rule.strings().get(localString[e]).identifier(), offsets[e], lengths[e],
                    Arrays.copyOfRange(data, dataStart[e], dataStart[e + 1]), keys[e]));
        }
        return out;
    }
}
