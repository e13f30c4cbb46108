package dev.vigil.yara.condition;

import java.util.List;

/**
 * Compiled rules with their conditions. Immutable and thread-safe; each {@link #evaluate} call uses its own state.
 */
public final class CompiledRuleSet {

    private final List<CompiledRule> rules;
    private final Nodes.IntNode[] conditions;
    private final String[] moduleNames;
    private final int stringCount;
    /** For each rule, the index of the global rules of its namespace, evaluated for the namespace gate. */
    private final int[][] namespaceGlobals;
    private final java.util.BitSet needsAllMatches;
    private final java.util.Map<Integer, Long> fixedOffsets;
    private final java.util.BitSet atOnly;

    /**
     * Whether every use of string {@code globalIndex} is {@code $a at E}: conditions ask whether it matches at one
     * offset only ({@link ScanContext#matchesAt}).
     */
    public boolean atOnly(int globalIndex) {
        return atOnly.get(globalIndex);
    }

    /** Per rule, the strings it cannot match without; null where none may be relied on (console is imported). */
    private final int[][] required;

    /**
     * Global indexes of the strings rule {@code rule}'s condition cannot be true without (its top-level {@code and}
     * chain has {@code $a}, {@code $a at E} or {@code $a in R}); empty when none may be relied on.
     */
    public int[] requiredStrings(int rule) {
        return required == null ? new int[0] : required[rule].clone();
    }

    /** Per rule, the string-free part of its condition ({@link ConditionCompiler#guard}) or null; null when none has one. */
    private final Nodes.IntNode[] guards;
    /**
     * One bit per rule: its condition can be true although none of its strings matched (always, where console is
     * imported); the other rules are evaluated only where the scan says some string of theirs matched.
     */
    private final long[] evaluatedWithoutMatches;
    /** Per rule, {@link CompiledRule#stringIndexes()}, for {@link ScanContext#rulesWithAnyMatch}. */
    private final int[][] ruleStrings;

    CompiledRuleSet(List<CompiledRule> rules, Nodes.IntNode[] conditions, String[] moduleNames, int stringCount,
                    int[][] namespaceGlobals, java.util.BitSet needsAllMatches, java.util.Map<Integer, Long> fixedOffsets,
                    java.util.BitSet needsAMatch, Nodes.IntNode[] guards, java.util.BitSet atOnly, int[][] required) {
        this.atOnly = (java.util.BitSet) atOnly.clone();
        this.required = required;
        this.guards = guards != null && java.util.Arrays.stream(guards).anyMatch(java.util.Objects::nonNull)
                ? guards : null;
        this.evaluatedWithoutMatches = new long[(rules.size() + 63) >>> 6];
        this.ruleStrings = new int[rules.size()][];
        for (int i = 0; i < rules.size(); i++) {
            if (!needsAMatch.get(i)) {
                evaluatedWithoutMatches[i >>> 6] |= 1L << i;
            }
            ruleStrings[i] = rules.get(i).stringIndexes();
        }
        this.fixedOffsets = new java.util.HashMap<>();
        fixedOffsets.forEach((k, v) -> {
            if (v != dev.vigil.yara.strings.StringMatches.ANYWHERE) {
                this.fixedOffsets.put(k, v);
            }
        });
        this.needsAllMatches = (java.util.BitSet) needsAllMatches.clone();
        this.rules = List.copyOf(rules);
        this.conditions = conditions;
        this.moduleNames = moduleNames;
        this.stringCount = stringCount;
        this.namespaceGlobals = namespaceGlobals;
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    /** Total number of strings over all rules; global string indexes run from 0 to this, exclusive. */
    public int stringCount() {
        return stringCount;
    }

    /**
     * Whether a condition reads more of string {@code globalIndex} than whether it matched ({@code #}, {@code @},
     * {@code !}, {@code at}, {@code in}, {@code of}, {@code for..of}). The others need one match only: yara's fast mode
     * ({@code -f}) stops searching them after their first.
     */
    public boolean needsAllMatches(int globalIndex) {
        return needsAllMatches.get(globalIndex);
    }

    /**
     * The one offset at which a condition asks for string {@code globalIndex} ({@code $a at 100}, and no other use),
     * or {@link dev.vigil.yara.strings.StringMatches#ANYWHERE}. yara searches a literal string there only, which
     * {@code -s} shows.
     */
    public long fixedOffset(int globalIndex) {
        return fixedOffsets.getOrDefault(globalIndex, dev.vigil.yara.strings.StringMatches.ANYWHERE);
    }

    /** Modules some rule imports, i.e. those {@link ScanContext#module} may be asked for. */
    public List<String> importedModules() {
        return List.of(moduleNames);
    }

    /** Evaluates every rule, without a time limit. */
    public boolean[] evaluate(ScanContext context) {
        return evaluate(context, Long.MAX_VALUE);
    }

    /**
     * Evaluates every rule in order; element i is true when rule i matches (private rules included; a rule whose
     * namespace has a failing global rule never matches).
     *
     * @param deadlineNanos a {@link System#nanoTime()} value after which evaluation aborts
     * @throws ConditionTimeoutException past the deadline
     * @throws java.io.UncheckedIOException when reading the input fails
     */
    public boolean[] evaluate(ScanContext context, long deadlineNanos) {
        return evaluation(context, deadlineNanos).evaluate();
    }

    /** Whether some rule has a guard, i.e. whether {@link RuleEvaluation#guardHolds} can ever be false. */
    public boolean hasGuards() {
        return guards != null;
    }

    /**
     * One evaluation of the rule set over one scan: guard checks while the strings are searched, then
     * {@link RuleEvaluation#evaluate()} (the modules loaded for the guards are loaded once for both).
     *
     * @param deadlineNanos a {@link System#nanoTime()} value after which evaluation aborts
     */
    public RuleEvaluation evaluation(ScanContext context, long deadlineNanos) {
        long deadline = deadlineNanos == Long.MAX_VALUE ? System.nanoTime() + Long.MAX_VALUE / 2 : deadlineNanos;
        return new RuleEvaluation(this, new Frame(context, deadline, rules.size(), moduleNames.length));
    }

    /** False only when rule {@code rule}'s guard is false or undefined in {@code frame}, so the rule cannot match. */
    boolean guardHolds(int rule, Frame frame) {
        Nodes.IntNode g = guards == null ? null : guards[rule];
        if (g == null) {
            return true;
        }
        return g.eval(frame) == 1;
    }

    boolean[] evaluate(Frame frame) {
        ScanContext context = frame.ctx;
        boolean[] result = new boolean[rules.size()];
        // In rule order, 64 rules per step: a rule that needs a match of its strings and has none is false, as
        // evaluating it would find (ruleResults starts at 0), and most rules of a large set have none in a file.
        for (int w = 0; w < evaluatedWithoutMatches.length; w++) {
            long todo = evaluatedWithoutMatches[w] | context.rulesWithAnyMatch(w, ruleStrings);
            int left = conditions.length - (w << 6);
            if (left < 64) {
                todo &= (1L << left) - 1;
            }
            for (; todo != 0; todo &= todo - 1) {
                int i = (w << 6) + Long.numberOfTrailingZeros(todo);
                long v = conditions[i].eval(frame);
                boolean match = v != 0 && !Nodes.undef(v);
                frame.ruleResults[i] = (byte) (match ? 1 : 0);
                result[i] = match;
            }
        }
        for (int i = 0; i < result.length; i++) {
            for (int g : namespaceGlobals[i]) {
                if (frame.ruleResults[g] == 0) {
                    result[i] = false;
                    break;
                }
            }
        }
        return result;
    }
}
