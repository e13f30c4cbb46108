package dev.vigil.yara;

import dev.vigil.engine.Detection;
import dev.vigil.engine.SignatureKind;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.yara.condition.CompiledRule;
import dev.vigil.yara.condition.ConditionTimeoutException;
import dev.vigil.yara.condition.ScanContext;
import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.Modules;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.strings.CompiledString;
import dev.vigil.yara.strings.HitFilter;
import dev.vigil.yara.strings.MatchView;
import dev.vigil.yara.strings.StartFilter;
import dev.vigil.yara.strings.StringMatches;

import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

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

    /** yara -f: a string whose condition needs one match is not verified again once it has one. */
    private boolean done(int s) {
        StringMatches m = matches[s];
        return fastMode && m != null && oneMatchEnough[s] && m.count() > 0;
    }

    private StringMatches state(int s) {
        StringMatches m = matches[s];
        return m != null ? m : scratch.matchesFor(s, patterns.onlyAt[s]);
    }

    /** Whether a string reached the match cap (checked over the strings that had hits only). */
    private boolean anyTooManyMatches() {
        int[] touched = scratch.touched;
        for (int i = 0; i < scratch.touchedCount; i++) {
            if (matches[touched[i]].tooManyMatches()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void atom(int atom, byte[] buf, long base, int valid, long size, int pos) {
        long[] filters = hitFilters;
        long mask = filters[3 * atom + 1];
        if (mask != 0 && HitFilter.rejects(filters[3 * atom], mask, filters[3 * atom + 2], buf, pos)) {
            return;
        }
        int s = patterns.atomString[atom];
        if (done(s)) {
            return;
        }
        strings[s].verify(patterns.atomLocal[atom], buf, base, valid, size, pos, state(s));
    }

    @Override
    public void everyOffset(byte[] buf, long base, int valid, long size, int from, int to) {
        int[][] groups = patterns.atomlessGroups;
        int end = (int) Math.min(valid, size - base);
        int stop = Math.min(to, end);
        for (int g = 0; g < groups.length; g++) {
            if (patterns.atomlessFilters[g] == null) {
                int s = groups[g][0];
                if (!done(s)) {
                    strings[s].verifyEvery(buf, base, valid, size, from, to, state(s), fastMode && oneMatchEnough[s]);
                }
            }
        }
        long[] first = patterns.atomlessFirstBytes;
        if (first == null) {
            return;
        }
        if (starts == null) {
            starts = new int[4096];
            candidates = new int[4096];
        }
        // One pass finds the bytes that some filtered group can start at (few in most data); each group's filter
        // then looks at those only, instead of every group reading every byte.
        for (int at = from; at < stop; ) {
            int count = 0;
            int p = at;
            int[] cands = candidates;
            for (int limit = Math.min(stop, at + cands.length); p < limit; p++) {
                int b = buf[p] & 0xFF;
                cands[count] = p;
                count += (int) (first[b >>> 6] >>> b) & 1;
            }
            for (int g = 0; g < groups.length; g++) {
                StartFilter filter = patterns.atomlessFilters[g];
                if (filter == null) {
                    continue;
                }
                // called with no starts too: the strings learn that the range is done
                int n = count == 0 ? 0 : filter.collectAmong(buf, cands, count, end, starts);
                for (int s : groups[g]) {
                    if (!done(s)) {
                        strings[s].verifyStarts(buf, base, valid, size, starts, n, p, state(s),
                                fastMode && oneMatchEnough[s]);
                    }
                }
            }
            at = p;
        }
    }

    /** Starts that passed a {@link StartFilter}, one block at a time. */
    private int[] starts;
    /** The positions whose byte some filtered atom-less group can start with, per block. */
    private int[] candidates;

    @Override
    public List<Detection> finish(EvaluationContext context, boolean complete) {
        try {
            return evaluate(context);
        } finally {
            // Nothing made for the report refers to the scratch: its matches are copied into RuleMatch objects.
            YaraScanScratch s = scratch;
            scratch = null;
            matches = null;
            rulesWithMatches = null;
            patterns.scratchPool.giveBack(s);
        }
    }

    private List<Detection> evaluate(EvaluationContext context) {
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
        Context ctx = new Context(context);
        List<String> warnings = new ArrayList<>();
        boolean[] matched;
        try {
            matched = patterns.rules.program.evaluate(ctx, deadline);
        } catch (ConditionTimeoutException e) {
            matched = new boolean[patterns.rules.ruleCount()];
            warnings.add("scan timed out while evaluating conditions");
        }
        List<CompiledRule> rules = patterns.rules.program.rules();
        if (anyTooManyMatches()) {
            for (CompiledRule r : rules) {
                for (int k = 0; k < r.strings().size(); k++) {
                    StringMatches m = matches[shared[r.stringIndexes()[k]]];
                    if (m != null && m.tooManyMatches()) {
                        warnings.add("too many matches for " + r.name() + " " + r.strings().get(k).identifier());
                    }
                }
            }
        }
        // Only rules with a string that matched have string matches to report; looking at every string of every
        // rule per scanned file cost a third of a signature-base scan (cache misses over thousands of rules).
        // Those of matching rules become match objects now; the others are packed when the scan was asked for them
        // (yara -n), else left out.
        Map<Integer, List<RuleMatch.StringMatch>> withStrings = new HashMap<>();
        PackedStringMatches packed = new PackedStringMatches();
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
                    packed.add(rule, rules.get(rule), matches, shared, context.input(), MAX_MATCH_DATA);
                    withStrings.put(rule, packed.get(rule, rules.get(rule)));
                } else if (notMatchingStrings) {
                    withStrings.put(rule, List.of()); // marks it as done
                    packed.add(rule, rules.get(rule), matches, shared, context.input(), MAX_MATCH_DATA);
                }
            }
        }
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
        public boolean anyStringMatched(int rule, int[] stringIndexes) {
            return (rulesWithMatches[rule >>> 6] & (1L << rule)) != 0;
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
