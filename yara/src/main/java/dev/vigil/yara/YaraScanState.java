package dev.vigil.yara;

import dev.vigil.engine.Detection;
import dev.vigil.engine.SignatureKind;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.yara.condition.CompiledRule;
import dev.vigil.yara.condition.ConditionTimeoutException;
import dev.vigil.yara.condition.RuleEvaluation;
import dev.vigil.yara.condition.ScanContext;
import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.Modules;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.strings.CompiledString;
import dev.vigil.yara.strings.HitFilter;
import dev.vigil.yara.strings.MatchView;
import dev.vigil.yara.strings.SetRuns;
import dev.vigil.yara.strings.StartFilter;
import dev.vigil.yara.strings.ScanScratch;
import dev.vigil.yara.strings.StringMatches;

import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.function.LongUnaryOperator;

/**
 * One scan of a YARA rule set: the string matches the pass finds, then the conditions. String state is created on a
 * string's first atom hit, so a scan of a small file costs little however many strings the rule set has.
 */
final class YaraScanState implements ExternalPatterns.ExternalScan {
    /** YARA keeps at most this many bytes of a match's data. */
    static final int MAX_MATCH_DATA = 512;
    private static final MatchView NONE = new StringMatches();

    private final YaraPatterns patterns;
    private final long[] hitFilters;
    private final CompiledString[] strings;
    /** Taken from the rule set's pool at the start, given back at the end of {@link #finish}. */
    private YaraScanScratch scratch;
    private StringMatches[] matches;
    /** Per rule, a bit: some string of it matched; set when the pass is over. */
    private long[] rulesWithMatches;
    private final long deadline;
    private final boolean fastMode;
    private final boolean[] oneMatchEnough;
    /** Whether the report keeps the string matches of rules that did not match (YaraScanOptions). */
    private final boolean notMatchingStrings;
    /** String index -> the index its matches are kept under (see {@link YaraPatterns#shared}). */
    private final int[] shared;
    private YaraScanResult report;

    YaraScanState(YaraPatterns patterns, long deadlineNanos, boolean notMatchingStrings) {
        this.notMatchingStrings = notMatchingStrings;
        this.patterns = patterns;
        this.strings = patterns.rules.strings;
        this.hitFilters = patterns.hitFilters;
        this.scratch = patterns.scratchPool.take();
        this.matches = scratch.matches;
        this.deadline = deadlineNanos;
        this.fastMode = patterns.fastMode;
        this.oneMatchEnough = patterns.oneMatchEnough;
        this.shared = patterns.shared;
    }

    /**
     * Per string, whether some rule using it can still match this scan ({@link #OPEN}) or none can ({@link #CLOSED}:
     * each rule's guard, the string-free part of its condition, is false), asked on the string's first hit; null
     * when the scan does not ask (see {@link #start}).
     */
    private byte[] gates;
    private static final byte OPEN = 1;
    private static final byte CLOSED = 2;
    /** Set by {@link #start} (when gates are asked) or else by {@link #evaluate}: one context and module cache for both. */
    private Context context;
    private RuleEvaluation evaluation;

    /** Whether the data has a million bytes or more, so that one string can reach the match cap. */
    private boolean largeData;
    /**
     * Per string, whether the pass leaves it unverified ({@link YaraPatterns#deferred}): it counts the string's hits
     * where the engine has its atoms ({@link YaraPatterns.Deferral#COUNTED}), and sees none where it has not
     * ({@link YaraPatterns.Deferral#OMITTED}, data under a million bytes); null when it verifies all (yara -n -s
     * shows every string's matches).
     */
    private boolean[] deferred;
    /** Per string, whether the pass skips it, to be searched afterwards if needed ({@link YaraPatterns#afterPass}). */
    private boolean[] afterPass;
    /** In large data, per atom-less group: the starts its filter kept, a bound of its members' matches. */
    private long[] afterPassStarts;
    private long size;
    /**
     * Whether {@link #count} logs the hits (of the strings {@link YaraPatterns#logsHits} names), for
     * {@link #searchAlone} ({@link YaraScanScratch#logHit}).
     */
    private boolean logHits;

    /**
     * Prepares what this scan need not verify. Searching the strings of a rule that cannot match changes no verdict,
     * and the report holds string matches of matching rules only, unless the scan was asked for those of the others
     * too (yara -n -s): then every string is searched, as yara does. Nor does verifying every hit of a string that
     * conditions only ask about at one offset each ({@code $a at E}): the scan counts its hits, and checks the
     * offsets the conditions ask for (see {@link #deferredMatchAt}).
     * <p>
     * A string not verified has no matches, and a million of them is what yara warns about ("too many matches"),
     * whatever the rule's condition, and what stops a string's matches; the hits are counted, so that those that
     * could have reached the cap are searched afterwards ({@link #searchWhatMayBeTooMany}).
     */
    @Override
    public void start(EvaluationContext scan) {
        size = scan.size();
        largeData = size >= StringMatches.MAX_MATCHES;
        // only large data can need a string searched alone for the match cap; and a log entry has room for
        // offsets under 2^40 and atom numbers under 2^23
        logHits = largeData && size < 1L << (63 - YaraScanScratch.HIT_ATOM_BITS)
                && patterns.allAtoms.size() <= 1 << YaraScanScratch.HIT_ATOM_BITS;
        if (notMatchingStrings) {
            return;
        }
        deferred = patterns.deferred;
        if (patterns.afterPassStrings.length > 0) {
            afterPass = patterns.afterPass;
            if (largeData) {
                afterPassStarts = new long[patterns.atomlessGroups.length];
            }
        }
        context = new Context(scan);
        evaluation = patterns.rules.program.evaluation(context, deadline);
        if (patterns.rules.program.hasGuards()) {
            gates = scratch.clearedGates();
        }
    }

    /**
     * On data of a million bytes or more, only strings that start their matches at most this many bytes before
     * their atom are closed: the others (regexes and jumps that reach far back) could start a million matches from
     * a few thousand hits, and searching them alone afterwards would cost more than the pass saved.
     */
    private static final int MAX_BACK_CLOSED_IN_LARGE_DATA = 256;

    /** Whether no rule that uses string {@code s} (a shared index) can match; asks their guards on the first call. */
    private boolean closed(int s) {
        byte g = gates[s];
        if (g == 0) {
            g = largeData && strings[s].maxBack() > MAX_BACK_CLOSED_IN_LARGE_DATA ? OPEN : askGuards(s);
            gates[s] = g;
        }
        return g == CLOSED;
    }

    private byte askGuards(int s) {
        try {
            for (int i = patterns.sharingRulesStart[s]; i < patterns.sharingRulesStart[s + 1]; i++) {
                if (evaluation.guardHolds(patterns.sharingRules[i])) {
                    return OPEN;
                }
            }
            return CLOSED;
        } catch (RuntimeException e) {
            // a timeout or a read error: search the string as without gates; the evaluation will meet it again
            return OPEN;
        }
    }

    /** yara -f: a string whose condition needs one match is not verified again once it has one. */
    private boolean done(int s) {
        StringMatches m = matches[s];
        // a string at the match cap (or a scan at its bound of matches in all) records nothing more
        return m != null && (m.full() || fastMode && oneMatchEnough[s] && m.count() > 0);
    }

    private StringMatches state(int s) {
        StringMatches m = matches[s];
        return m != null ? m : scratch.matchesFor(s, patterns.onlyAt[s]);
    }

    /**
     * The strings that reached the match cap, in pairs (string, position): the data offset where the atom of the
     * hit that overflowed it ends. yara warns in the order its strings overflow, and handles the atoms that end at
     * one offset latest declared first; the warnings are sorted so (see {@link #tooManyMatchesWarnings}).
     */
    private long[] overflows;
    private int overflowCount;

    private void overflowed(int s, long atomEnd) {
        if (overflows == null) {
            overflows = new long[8];
        } else if (2 * overflowCount == overflows.length) {
            overflows = java.util.Arrays.copyOf(overflows, overflows.length * 2);
        }
        overflows[2 * overflowCount] = s;
        overflows[2 * overflowCount + 1] = atomEnd;
        overflowCount++;
    }

    @Override
    public void atom(int atom, byte[] buf, long base, int valid, long size, int pos) {
        // the engine has applied the atom's hit filter (YaraPatterns.atomFilters)
        int s = patterns.atomString[atom];
        if (done(s)) {
            return;
        }
        if (gates != null && closed(s) || deferred != null && deferred[s]) {
            count(s, atom, base + pos);
            return;
        }
        StringMatches m = state(s);
        strings[s].verify(patterns.atomLocal[atom], buf, base, valid, size, pos, m);
        if (m.tooManyMatches()) {
            overflowed(s, base + pos + patterns.allAtoms.get(atom).length - 1);
        }
    }

    @Override
    public void everyOffset(byte[] buf, long base, int valid, long size, int from, int to) {
        int[][] groups = patterns.atomlessGroups;
        int end = (int) Math.min(valid, size - base);
        int stop = Math.min(to, end);
        for (int g = 0; g < groups.length; g++) {
            if (patterns.atomlessFilters[g] == null) {
                int s = groups[g][0];
                // without a filter, a string can start a match at every offset: in large data it may reach the cap,
                // so there the pass verifies it even where it would be searched after the pass
                if (verifiedInPass(s, largeData)) {
                    StringMatches m = state(s);
                    strings[s].verifyEvery(buf, base, valid, size, from, to, m, fastMode && oneMatchEnough[s]);
                    if (m.tooManyMatches()) {
                        overflowed(s, m.refusedAt() - 1); // an atom-less string's "atom" ends before its start
                    }
                }
            }
        }
        long[] first = patterns.atomlessFirstBytes;
        long[][] runSets = patterns.atomlessRunSets;
        if (first == null && runSets.length == 0) {
            return;
        }
        if (starts == null) {
            starts = new int[BLOCK];
            candidates = first == null ? null : new int[BLOCK];
        }
        SetRuns[] runs = scratch.setRuns;
        if (runs == null && runSets.length > 0) {
            runs = scratch.setRuns = new SetRuns[runSets.length];
            for (int c = 0; c < runs.length; c++) {
                runs[c] = new SetRuns(runSets[c], patterns.atomlessRunDepths[c][0], patterns.atomlessRunDepths[c][1]);
            }
        }
        // Per block, one pass finds the bytes that the groups with other filters can start at (few in most data),
        // and one pass per set the runs that the uniform filters of that set read; each group then looks at those
        // only, instead of every group reading every byte.
        for (int at = from; at < stop; ) {
            int p = Math.min(stop, at + BLOCK);
            int count = 0;
            int[] cands = candidates;
            if (first != null) {
                for (int i = at; i < p; i++) {
                    int b = buf[i] & 0xFF;
                    cands[count] = i;
                    count += (int) (first[b >>> 6] >>> b) & 1;
                }
            }
            for (int c = 0; c < runSets.length; c++) {
                runs[c].find(buf, at, p, end);
            }
            for (int g = 0; g < groups.length; g++) {
                StartFilter filter = patterns.atomlessFilters[g];
                if (filter == null) {
                    continue;
                }
                boolean counting = afterPassStarts != null && patterns.groupHasAfterPass[g];
                boolean verifying = false;
                for (int s : groups[g]) {
                    verifying |= verifiedInPass(s, false);
                }
                if (!verifying && !counting) {
                    continue;
                }
                int c = patterns.atomlessRunClass[g];
                // called with no starts too: the strings learn that the range is done
                int n = c >= 0 ? filter.collectFromRuns(runs[c], starts)
                        : count == 0 ? 0 : filter.collectAmong(buf, cands, count, end, starts);
                if (counting) {
                    afterPassStarts[g] += n;
                }
                for (int s : groups[g]) {
                    if (verifiedInPass(s, false)) {
                        StringMatches m = state(s);
                        strings[s].verifyStarts(buf, base, valid, size, starts, n, p, m,
                                fastMode && oneMatchEnough[s]);
                        if (m.tooManyMatches()) {
                            overflowed(s, m.refusedAt() - 1);
                        }
                    }
                }
            }
            at = p;
        }
    }

    /**
     * Whether the pass verifies atom-less string {@code s}: it can still record matches, some rule of it can still
     * match (or the data is large enough for the match cap), and it is not left for after the pass, unless
     * {@code evenAfterPass}.
     */
    private boolean verifiedInPass(int s, boolean evenAfterPass) {
        return !done(s) && (gates == null || largeData || !closed(s))
                && (afterPass == null || !afterPass[s] || evenAfterPass);
    }

    /** The positions the atom-less groups with filters look at per step (a start filter's output fits in it). */
    private static final int BLOCK = 4096;
    /** Starts that passed a {@link StartFilter}, one block at a time. */
    private int[] starts;
    /** The positions whose byte some filtered atom-less group can start with, per block. */
    private int[] candidates;

    /**
     * Where the searches outside the pass stop reading: the bytes the pass read ({@link EvaluationContext#covered()}),
     * so that a MaxScanSize or MaxScanTime that stopped it is not undone by reading the rest afterwards.
     */
    private long searchEnd;
    /** Whether the deadline stopped a search outside the pass ({@link #limitReached}). */
    private boolean timedOut;
    /**
     * Whether the scan's strings refused a match for {@link ScanScratch#MAX_STORED_MATCHES}, or its report would have
     * kept more than {@link PackedStringMatches#MAX_KEPT_DATA} bytes of them ({@link #limitReached}).
     */
    private boolean matchesFull;

    @Override
    public List<Detection> finish(EvaluationContext context, boolean complete) {
        searchEnd = complete ? size : Math.min(size, context.covered());
        try {
            return evaluate(context);
        } finally {
            // Nothing made for the report refers to the scratch: its matches are copied into RuleMatch objects.
            YaraScanScratch s = scratch;
            scratch = null;
            matches = null;
            gates = null;
            deferred = null;
            afterPass = null;
            afterPassStarts = null;
            overflows = null;
            overflowCount = 0;
            this.context = null;
            evaluation = null;
            rulesWithMatches = null;
            patterns.scratchPool.giveBack(s);
        }
    }

    /**
     * The strings the pass did not verify ({@link #afterPass}) that are needed now: some rule of theirs found every
     * string it requires, or (data of a million bytes or more) their filter kept enough starts to reach the match
     * cap, which yara warns about whatever the rules. Each is searched alone, over the data block by block.
     */
    private void searchAfterPass(ScanInput input) {
        for (int s : patterns.afterPassStrings) {
            int g = patterns.atomlessGroupOf[s];
            StartFilter filter = patterns.atomlessFilters[g];
            if (largeData && filter == null) {
                continue; // verified in the pass
            }
            boolean mayReachCap = afterPassStarts != null && afterPassStarts[g] >= StringMatches.MAX_MATCHES;
            if (mayReachCap || neededAfterPass(s)) {
                searchEveryOffsetAlone(s, filter, input);
            }
        }
    }

    private void searchEveryOffsetAlone(int s, StartFilter filter, ScanInput input) {
        CompiledString string = strings[s];
        StringMatches m = state(s);
        boolean firstOnly = fastMode && oneMatchEnough[s];
        int[] all = filter == null ? null : new int[BLOCK];
        int[] kept = filter == null ? null : new int[BLOCK];
        searchWindows(string, input, (buf, base, valid, from, to) -> {
            if (filter == null) {
                string.verifyEvery(buf, base, valid, size, from, to, m, firstOnly);
            } else {
                for (int at = from; at < to && !m.tooManyMatches(); at += BLOCK) {
                    int p = Math.min(to, at + BLOCK);
                    for (int i = at; i < p; i++) {
                        all[i - at] = i;
                    }
                    int k = filter.collectAmong(buf, all, p - at, valid, kept);
                    string.verifyStarts(buf, base, valid, size, kept, k, p, m, firstOnly);
                }
            }
            if (m.tooManyMatches()) {
                overflowed(s, m.refusedAt() - 1); // an atom-less string's "atom" ends before its start
                return false;
            }
            return true;
        });
    }

    /** A search of one window of the data outside the pass: buffer, its data offset, valid bytes, range [from, to). */
    private interface WindowSearch {
        /** Returns false when the search is over (the string reached the match cap). */
        boolean search(byte[] buf, long base, int valid, int from, int to);
    }

    /**
     * Walks the whole data for a search of {@code string} outside the pass, in ranges of up to 1 MiB: each window
     * holds the string's maxBack bytes (at least 8) before its range and its maxForward after it, then eight zero
     * bytes after the data, as the pass's buffers do.
     */
    private void searchWindows(CompiledString string, ScanInput input, WindowSearch search) {
        searchWindows(string, input, 1 << 20, after -> after, search);
    }

    /**
     * As {@link #searchWindows(CompiledString, ScanInput, WindowSearch)}, in ranges of up to {@code block} bytes
     * that start where {@code nextStart} says, given where the last range ended (0 at first); a start at or past
     * the data's end ends the search.
     */
    private void searchWindows(CompiledString string, ScanInput input, int block, LongUnaryOperator nextStart,
                               WindowSearch search) {
        long end = searchEnd;
        if (timedOut || end <= 0) {
            return;
        }
        int back = Math.max(string.maxBack(), 8);
        int forward = Math.max(string.maxForward(), 8);
        block = (int) Math.min(end, block);
        byte[] buf = new byte[back + block + forward + 8];
        try {
            for (long start = nextStart.applyAsLong(0); start < end; start = nextStart.applyAsLong(start + block)) {
                // the pass's own check, once per window of about the pass's chunk size
                if (System.nanoTime() > deadline) {
                    timedOut = true;
                    return;
                }
                long base = Math.max(0, start - back);
                int valid = input.readFully(base, buf, 0, (int) Math.min(buf.length - 8, end - base));
                java.util.Arrays.fill(buf, valid, buf.length, (byte) 0);
                scratch.matcher.begin(); // the buffer holds other bytes now: no run may be taken over
                int from = (int) (start - base);
                if (valid <= from) {
                    return; // the data ended before the range (a file cut short after the pass)
                }
                if (!search.search(buf, base, valid, from, (int) Math.min(from + (long) block, valid))) {
                    return;
                }
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public String limitReached() {
        return timedOut ? "MaxScanTime" : matchesFull ? "MaxStringMatches" : null;
    }

    private boolean neededAfterPass(int s) {
        for (int k = patterns.sharingRulesStart[s]; k < patterns.sharingRulesStart[s + 1]; k++) {
            boolean all = true;
            for (int r : patterns.requiredOf[patterns.sharingRules[k]]) {
                StringMatches m = matches[r];
                if (m == null || m.count() == 0) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private List<Detection> evaluate(EvaluationContext context) {
        if (afterPass != null) {
            searchAfterPass(context.input());
        }
        // first the strings the pass did not verify but that may have reached the match cap: their matches count
        if (scratch.countedCount > 0) {
            searchWhatMayBeTooMany(context.input());
        }
        long[] withMatches = scratch.rulesWithMatches;
        int[] touched = scratch.touched;
        for (int t = 0; t < scratch.touchedCount; t++) {
            int s = touched[t];
            if (matches[s].count() > 0) {
                for (int i = patterns.sharingRulesStart[s]; i < patterns.sharingRulesStart[s + 1]; i++) {
                    int rule = patterns.sharingRules[i];
                    withMatches[rule >>> 6] |= 1L << rule;
                }
            }
        }
        rulesWithMatches = withMatches;
        if (deferred != null && patterns.omitsDeferred) {
            // a deferred string may match where a condition asks: the pass cannot tell which of their rules to skip
            long[] d = patterns.rulesWithDeferred;
            for (int i = 0; i < d.length; i++) {
                withMatches[i] |= d[i];
            }
        } else if (deferred != null) {
            // a deferred string with hits may match where a condition asks: its rules must be evaluated
            for (int i = 0; i < scratch.countedCount; i++) {
                int s = scratch.counted[i];
                if (deferred[s] && matches[s] == null) {
                    for (int k = patterns.sharingRulesStart[s]; k < patterns.sharingRulesStart[s + 1]; k++) {
                        int rule = patterns.sharingRules[k];
                        withMatches[rule >>> 6] |= 1L << rule;
                    }
                }
            }
        }
        Context ctx = this.context != null ? this.context : new Context(context);
        List<String> warnings = new ArrayList<>();
        boolean[] matched;
        try {
            RuleEvaluation e = evaluation != null ? evaluation : patterns.rules.program.evaluation(ctx, deadline);
            matched = e.evaluate();
        } catch (ConditionTimeoutException e) {
            matched = new boolean[patterns.rules.ruleCount()];
            warnings.add("scan timed out while evaluating conditions");
        }
        List<CompiledRule> rules = patterns.rules.program.rules();
        if (deferred != null) {
            searchDeferredStringsOfMatchingRules(rules, matched, context.input());
        }
        if (overflowCount > 0) {
            tooManyMatchesWarnings(rules, warnings);
        }
        // Only rules with a string that matched have string matches to report; looking at every string of every
        // rule per scanned file cost a third of a signature-base scan (cache misses over thousands of rules).
        // Those of matching rules are packed now, the others when the scan was asked for them (yara -n), else left
        // out; match objects are made as the report is read.
        Map<Integer, List<RuleMatch.StringMatch>> withStrings = new HashMap<>();
        PackedStringMatches packed = new PackedStringMatches(MAX_MATCH_DATA);
        for (int t = 0; t < scratch.touchedCount; t++) {
            int s = touched[t];
            if (matches[s].count() == 0) {
                continue;
            }
            for (int i = patterns.sharingRulesStart[s]; i < patterns.sharingRulesStart[s + 1]; i++) {
                int rule = patterns.sharingRules[i];
                if (withStrings.containsKey(rule) || rules.get(rule).isPrivate()) {
                    continue;
                }
                if (matched[rule]) {
                    packed.add(rule, rules.get(rule), matches, shared);
                    withStrings.put(rule, packed.get(rule, rules.get(rule)));
                } else if (notMatchingStrings) {
                    withStrings.put(rule, List.of()); // marks it as done
                    packed.add(rule, rules.get(rule), matches, shared);
                }
            }
        }
        packed.readData(context.input()); // the data of every match packed, while the input is open
        matchesFull = scratch.matcher.matchesFull() || packed.dataCut();
        List<Detection> detections = new ArrayList<>();
        List<RuleMatch> found = new ArrayList<>();
        int[] publicRules = patterns.publicRules;
        for (int i : publicRules) {
            if (matched[i]) {
                detections.add(new Detection("YARA." + rules.get(i).name() + ".UNOFFICIAL", SignatureKind.YARA, -1));
                found.add(ruleMatch(i, withStrings.getOrDefault(i, List.of())));
            }
        }
        report = new YaraScanResult(found, new NotMatching(matched, publicRules.length - found.size(),
                notMatchingStrings ? packed : null),
                warnings, ctx.console);
        return detections;
    }

    /**
     * Counts a hit of atom {@code atom} of unverified string {@code s} at data offset {@code position}: the offsets
     * a match found through it could start at ({@link YaraPatterns#atomStartSpan}). One atom's ranges are the same
     * shape moved along and come in position order, so each adds what the atom's last one did not cover; ranges of
     * different atoms may overlap and are then counted twice (the count is an upper bound of the matches).
     */
    private void count(int s, int atom, long position) {
        YaraScanScratch x = scratch;
        x.ensureCounts(patterns.atomString.length);
        long r = x.reach[s];
        if (r == 0) {
            x.firstCount(s);
            for (int k = patterns.stringAtomsStart[s]; k < patterns.stringAtomsStart[s + 1]; k++) {
                x.lastHit[patterns.stringAtoms[k]] = -1;
            }
        }
        long span = patterns.atomStartSpan[atom];
        long last = x.lastHit[atom];
        x.reach[s] = r + (last < 0 ? span : Math.min(span, position - last));
        x.lastHit[atom] = position;
        if (logHits && patterns.logsHits[s]) {
            x.logHit(s, position, atom);
        }
    }

    /**
     * yara's warnings for the strings at the match cap, as it prints them: by the offset where the atom that
     * overflowed each ended, then the latest declared first (strings kept as one, {@link YaraPatterns#shared},
     * each under its own rule).
     */
    private void tooManyMatchesWarnings(List<CompiledRule> rules, List<String> warnings) {
        List<long[]> found = new ArrayList<>(); // atom end, global string index, rule, string in rule
        for (int r = 0; r < rules.size(); r++) {
            int[] indexes = rules.get(r).stringIndexes();
            for (int k = 0; k < indexes.length; k++) {
                for (int o = 0; o < overflowCount; o++) {
                    if (overflows[2 * o] == shared[indexes[k]]) {
                        found.add(new long[] {overflows[2 * o + 1], indexes[k], r, k});
                    }
                }
            }
        }
        found.sort((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0]) : Long.compare(b[1], a[1]));
        for (long[] f : found) {
            CompiledRule r = rules.get((int) f[2]);
            warnings.add("warning: rule \"" + r.name() + "\": too many matches for "
                    + r.strings().get((int) f[3]).identifier() + ", results for this rule may be incorrect");
        }
    }

    /**
     * Searches the unverified strings whose hits could have started a million matches
     * ({@link YaraScanScratch#count}), alone and as the pass would have: their matches then give yara's warning,
     * and for deferred strings the matches that conditions read.
     */
    private void searchWhatMayBeTooMany(ScanInput input) {
        for (int i = 0; i < scratch.countedCount; i++) {
            int s = scratch.counted[i];
            if (scratch.reach[s] >= StringMatches.MAX_MATCHES && !(fastMode && oneMatchEnough[s])) {
                searchAlone(s, input);
            }
        }
    }

    /** Searches string {@code s} (one with atoms) over the whole data, outside the pass, in the pass's order. */
    private void searchAlone(int s, ScanInput input) {
        StringMatches out = state(s);
        long[] hits = logHits && searchEnd == size ? scratch.sortedLoggedHits(s) : null;
        if (hits != null) {
            verifyLoggedHits(s, hits, scratch.loggedHitCount(s), input, out);
            return;
        }
        searchWindows(strings[s], input, (buf, base, valid, from, to) -> {
            verifyHits(s, buf, base, valid, from, to, out);
            return !out.tooManyMatches();
        });
    }

    /**
     * Verifies the hits of string {@code s} that the pass counted ({@link YaraScanScratch#sortedLoggedHits}), in
     * order, each with the data {@link #searchWindows} would have given it around it; reads windows around the hits
     * only. Used when the pass read all the data, so that the log holds every hit the search would find (a
     * first-match scan of a mixed engine stops looking for atoms at its first ClamAV detection, but then reports
     * that detection alone).
     */
    private void verifyLoggedHits(int s, long[] hits, int n, ScanInput input, StringMatches out) {
        int shift = YaraScanScratch.HIT_ATOM_BITS;
        long atomMask = (1L << shift) - 1;
        int[] next = {0}; // the first hit not verified yet
        // each window starts at the next hit at or after the last range's end, and verifies the hits in its range
        searchWindows(strings[s], input, 1 << 16, after -> {
            while (next[0] < n && hits[next[0]] >>> shift < after) {
                next[0]++;
            }
            return next[0] < n ? hits[next[0]] >>> shift : Long.MAX_VALUE;
        }, (buf, base, valid, from, to) -> {
            for (; next[0] < n && hits[next[0]] >>> shift < base + to; next[0]++) {
                int a = (int) (hits[next[0]] & atomMask);
                int p = (int) ((hits[next[0]] >>> shift) - base);
                strings[s].verify(patterns.atomLocal[a], buf, base, valid, size, p, out);
                if (out.tooManyMatches()) {
                    overflowed(s, base + p + patterns.allAtoms.get(a).length - 1);
                    return false;
                }
            }
            return true;
        });
    }

    /** The report gives every match of a matching rule's strings: its deferred strings with hits are searched now. */
    private void searchDeferredStringsOfMatchingRules(List<CompiledRule> rules, boolean[] matched, ScanInput input) {
        for (int r : patterns.publicRules) {
            if (matched[r]) {
                for (int idx : rules.get(r).stringIndexes()) {
                    int s = shared[idx];
                    if (deferred[s] && matches[s] == null) {
                        searchAlone(s, input);
                    }
                }
            }
        }
    }

    /** Hits of string {@code s}'s atoms at buffer positions [from, to), as (position << 32 | atom); reused. */
    private long[] hitList = new long[64];

    /**
     * Finds the atoms of string {@code s} at buffer positions [from, to) and verifies each hit that passes its filter,
     * in position order; stops when the string reaches the match cap.
     */
    private void verifyHits(int s, byte[] buf, long base, int valid, int from, int to, StringMatches out) {
        long[] hits = hitList;
        int count = 0;
        for (int k = patterns.stringAtomsStart[s]; k < patterns.stringAtomsStart[s + 1]; k++) {
            int a = patterns.stringAtoms[k];
            byte[] atom = patterns.allAtoms.get(a);
            long mask = hitFilters[3 * a + 1];
            for (int p = from; p < to && p + atom.length <= valid; p++) {
                if (!startsWith(buf, p, atom) || (mask != 0
                        && HitFilter.rejects(hitFilters[3 * a], mask, hitFilters[3 * a + 2], buf, p))) {
                    continue;
                }
                if (count == hits.length) {
                    hits = hitList = java.util.Arrays.copyOf(hits, count * 2);
                }
                hits[count++] = (long) p << 32 | a; // the pass's order: by position, then atom
            }
        }
        java.util.Arrays.sort(hits, 0, count);
        for (int i = 0; i < count; i++) {
            int p = (int) (hits[i] >>> 32);
            int a = (int) hits[i];
            strings[s].verify(patterns.atomLocal[a], buf, base, valid, size, p, out);
            // only a search of the whole string can reach the cap: a probe (deferredMatchAt) spans maxBack + 1 starts
            if (out.tooManyMatches()) {
                overflowed(s, base + p + patterns.allAtoms.get(a).length - 1);
                return;
            }
        }
    }

    private static boolean startsWith(byte[] buf, int p, byte[] atom) {
        for (int i = 0; i < atom.length; i++) {
            if (buf[p + i] != atom[i]) {
                return false;
            }
        }
        return true;
    }

    /** The data around the offsets conditions asked deferred strings about: buffer, its data offset, valid bytes. */
    private byte[] window;
    private long windowBase;
    private int windowValid;
    /** Matches of one deferred string near one offset, made again for each question. */
    private StringMatches probe;

    /**
     * Whether deferred string {@code s} (not searched) matches at {@code pos}. A match there contains an atom that
     * starts at most {@code maxBack} bytes after it, so the hits in that range are verified, as the pass would have
     * (one hit finds a match alone: {@link CompiledString#oneHitFindsMatch}); the string has fewer than a million
     * matches (it was not searched), so the cap cannot have hidden that one.
     */
    private boolean deferredMatchAt(int s, long pos) {
        boolean noHits = !patterns.omitsDeferred && (scratch.reach == null || scratch.reach[s] == 0);
        long end = searchEnd; // past it, the pass read nothing (a limit stopped it): neither does a probe
        if (noHits || pos < 0 || pos >= end) {
            return false;
        }
        int slot = patterns.deferredSlot[s];
        int back = patterns.deferredReach[2 * slot];
        long from = Math.max(0, pos - back);
        long to = Math.min(end, pos + back + 1 + Math.max(patterns.deferredReach[2 * slot + 1], 8));
        try {
            if (window == null || from < windowBase || to > windowBase + windowValid) {
                int length = (int) Math.min(end - from, Math.max(to - from, 1 << 16));
                if (window == null || window.length < length) {
                    window = new byte[Math.max(length, 1 << 16)];
                }
                windowValid = context.input().readFully(from, window, 0, length);
                windowBase = from;
                scratch.matcher.begin(); // the buffer holds other bytes now: no run may be taken over
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        int first = (int) (pos - windowBase);
        if (first >= windowValid) {
            return false;
        }
        int b = window[first] & 0xFF;
        if ((patterns.deferredFirstBytes[4 * slot + (b >>> 6)] & (1L << b)) == 0) {
            return false; // most strings asked about one offset fail on its byte (PEiD-style entry-point rules)
        }
        if (probe == null) {
            probe = new StringMatches(scratch.matcher);
        }
        probe.recycle();
        probe.assign(s, patterns.onlyAt[s]);
        int last = (int) Math.min(pos + back + 1 - windowBase, windowValid);
        verifyHits(s, window, windowBase, windowValid, first, last, probe);
        for (int i = 0; i < probe.count(); i++) {
            if (probe.offset(i) == pos) {
                return true;
            }
        }
        return false;
    }

    private RuleMatch ruleMatch(int i, List<RuleMatch.StringMatch> strings) {
        CompiledRule r = patterns.rules.program.rules().get(i);
        return new RuleMatch(r.namespace(), r.name(), r.tags(), patterns.metadata.get(i), strings);
    }

    /**
     * The rules that did not match, made on demand: most callers never look at them, and building thousands per
     * scanned file costs more than the scan of a small file.
     */
    private final class NotMatching extends AbstractList<RuleMatch> implements RandomAccess {
        /** Per rule: whether it matched; owned by this list (evaluation makes a new array per scan). */
        private final boolean[] matched;
        private final int size;
        /** Null when the scan was not asked for them: then the rules come without string matches. */
        private final PackedStringMatches strings;
        /** The rules of this list in order, found on first use: most reports are never asked. */
        private volatile int[] ruleIndexes;

        NotMatching(boolean[] matched, int size, PackedStringMatches strings) {
            this.matched = matched;
            this.size = size;
            this.strings = strings;
        }

        @Override
        public RuleMatch get(int index) {
            java.util.Objects.checkIndex(index, size);
            int[] rules = ruleIndexes;
            if (rules == null) {
                rules = new int[size];
                int n = 0;
                for (int i : patterns.publicRules) {
                    if (!matched[i]) {
                        rules[n++] = i;
                    }
                }
                ruleIndexes = rules;
            }
            int rule = rules[index];
            return ruleMatch(rule, strings == null ? List.of()
                    : strings.get(rule, patterns.rules.program.rules().get(rule)));
        }

        @Override
        public int size() {
            return size;
        }
    }

    @Override
    public Object report() {
        return report;
    }

    /** What the conditions read: the matches above, the data, and modules loaded on first use. */
    private final class Context implements ScanContext, ModuleContext {
        private final EvaluationContext scan;
        private final Map<String, StructValue> loaded = new HashMap<>();
        final List<String> console = new ArrayList<>();
        private boolean entryPointKnown;
        private Long entryPoint;

        Context(EvaluationContext scan) {
            this.scan = scan;
        }

        @Override
        public MatchView matches(int stringIndex) {
            MatchView m = matches[shared[stringIndex]];
            return m == null ? NONE : m;
        }

        @Override
        public boolean matchesAt(int stringIndex, long pos) {
            int s = shared[stringIndex];
            if (deferred != null && deferred[s] && matches[s] == null) {
                return deferredMatchAt(s, pos);
            }
            return ScanContext.super.matchesAt(stringIndex, pos);
        }

        @Override
        public boolean anyStringMatched(int rule, int[] stringIndexes) {
            return (rulesWithMatches[rule >>> 6] & (1L << rule)) != 0;
        }

        @Override
        public long rulesWithAnyMatch(int word, int[][] ruleStrings) {
            return rulesWithMatches[word];
        }

        @Override
        public long filesize() {
            return scan.size();
        }

        @Override
        public ScanInput input() {
            return scan.input();
        }

        @Override
        public long size() {
            return scan.size();
        }

        @Override
        public void log(String line) {
            console.add(line);
        }

        @Override
        public Long entrypoint() {
            if (!entryPointKnown) {
                entryPointKnown = true;
                entryPoint = moduleInteger("pe", "entry_point");
                if (entryPoint == null) {
                    entryPoint = moduleInteger("elf", "entry_point");
                }
            }
            return entryPoint;
        }

        private Long moduleInteger(String module, String field) {
            StructValue v = module(module);
            return v != null && v.get(field) instanceof Long l ? l : null;
        }

        @Override
        public StructValue module(String name) {
            if (loaded.containsKey(name)) {
                return loaded.get(name);
            }
            YaraModule m = Modules.builtIn().get(name);
            StructValue v = null;
            if (m != null) {
                try {
                    v = m.load(this);
                } catch (IOException e) {
                    v = null;
                }
            }
            loaded.put(name, v);
            return v;
        }
    }
}
