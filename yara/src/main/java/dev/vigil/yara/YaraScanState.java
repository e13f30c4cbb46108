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
import dev.vigil.yara.strings.ScanScratch;
import dev.vigil.yara.strings.StringMatches;
import dev.vigil.yara.syntax.StringDecl;

import java.io.IOException;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
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
    private final ScanScratch scratch = new ScanScratch();
    private final CompiledString[] strings;
    private final StringMatches[] matches;
    private int[] touched = new int[64];  // strings that got a state, in first-hit order
    private int touchedCount;
    private final long deadline;
    private final boolean fastMode;
    private final boolean[] oneMatchEnough;
    private YaraScanResult report;

    YaraScanState(YaraPatterns patterns, long deadlineNanos) {
        this.patterns = patterns;
        this.strings = patterns.rules.strings;
        this.hitFilters = patterns.hitFilters;
        this.matches = new StringMatches[strings.length];
        this.deadline = deadlineNanos;
        this.fastMode = patterns.fastMode;
        this.oneMatchEnough = patterns.oneMatchEnough;
    }

    /** yara -f: a string whose condition needs one match is not verified again once it has one. */
    private boolean done(int s) {
        StringMatches m = matches[s];
        return fastMode && m != null && oneMatchEnough[s] && m.count() > 0;
    }

    private StringMatches state(int s) {
        StringMatches m = matches[s];
        if (m == null) {
            m = new StringMatches(scratch);
            m.onlyAt(patterns.onlyAt[s]);
            matches[s] = m;
            if (touchedCount == touched.length) {
                touched = java.util.Arrays.copyOf(touched, touchedCount * 2);
            }
            touched[touchedCount++] = s;
        }
        return m;
    }

    /** Whether a string reached the match cap (checked over the strings that had hits only). */
    private boolean anyTooManyMatches() {
        for (int i = 0; i < touchedCount; i++) {
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
    public void everyOffset(byte[] buf, long base, int valid, long size, int pos) {
        for (int s : patterns.atomless) {
            if (done(s)) {
                continue;
            }
            strings[s].verify(-1, buf, base, valid, size, pos, state(s));
        }
    }

    @Override
    public List<Detection> finish(EvaluationContext context, boolean complete) {
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
                    StringMatches m = matches[r.stringIndexes()[k]];
                    if (m != null && m.tooManyMatches()) {
                        warnings.add("too many matches for " + r.name() + " " + r.strings().get(k).identifier());
                    }
                }
            }
        }
        // Only rules with a string that matched have string matches to report; looking at every string of every
        // rule per scanned file cost a third of a signature-base scan (cache misses over thousands of rules).
        // Those of matching rules become match objects now; the others are packed for the few callers that ask.
        Map<Integer, List<RuleMatch.StringMatch>> withStrings = new HashMap<>();
        PackedStringMatches packed = new PackedStringMatches();
        for (int t = 0; t < touchedCount; t++) {
            int s = touched[t];
            int rule = patterns.stringRule[s];
            if (matches[s].count() > 0 && !withStrings.containsKey(rule) && !rules.get(rule).isPrivate()) {
                if (matched[rule]) {
                    withStrings.put(rule, stringMatches(rules.get(rule), context));
                } else {
                    withStrings.put(rule, List.of()); // marks it as done
                    packed.add(rule, rules.get(rule), matches, context.input(), MAX_MATCH_DATA);
                }
            }
        }
        List<Detection> detections = new ArrayList<>();
        List<RuleMatch> found = new ArrayList<>();
        int[] publicRules = patterns.publicRules;
        int[] notMatching = new int[publicRules.length];
        int notMatchingCount = 0;
        for (int i : publicRules) {
            if (!matched[i]) {
                notMatching[notMatchingCount++] = i;
                continue;
            }
            detections.add(new Detection("YARA." + rules.get(i).name() + ".UNOFFICIAL", SignatureKind.YARA, -1));
            found.add(ruleMatch(i, withStrings.getOrDefault(i, List.of())));
        }
        report = new YaraScanResult(found, new NotMatching(Arrays.copyOf(notMatching, notMatchingCount), packed),
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
        private final int[] ruleIndexes;
        private final PackedStringMatches strings;

        NotMatching(int[] ruleIndexes, PackedStringMatches strings) {
            this.ruleIndexes = ruleIndexes;
            this.strings = strings;
        }

        @Override
        public RuleMatch get(int index) {
            int rule = ruleIndexes[index];
            return ruleMatch(rule, strings.get(rule, patterns.rules.program.rules().get(rule)));
        }

        @Override
        public int size() {
            return ruleIndexes.length;
        }
    }

    private List<RuleMatch.StringMatch> stringMatches(CompiledRule r, EvaluationContext context) {
        List<RuleMatch.StringMatch> out = null;
        for (int k = 0; k < r.strings().size(); k++) {
            StringDecl decl = r.strings().get(k);
            StringMatches m = matches[r.stringIndexes()[k]];
            if (m == null || m.count() == 0 || decl.modifiers().isPrivate()) {
                continue;
            }
            if (out == null) {
                out = new ArrayList<>();
            }
            for (int i = 0; i < m.count(); i++) {
                byte[] data;
                try {
                    data = context.input().readFully(m.offset(i), Math.min(m.length(i), MAX_MATCH_DATA));
                } catch (IOException e) {
                    data = new byte[0];
                }
                out.add(new RuleMatch.StringMatch(decl.identifier(), m.offset(i), m.length(i), data,
                        decl.modifiers().xor() ? m.xorKey(i) : -1));
            }
        }
        return out == null ? List.of() : out;
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
            MatchView m = matches[stringIndex];
            return m == null ? NONE : m;
        }

        @Override
        public int[] stringsWithHits() {
            return Arrays.copyOf(touched, touchedCount);
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
