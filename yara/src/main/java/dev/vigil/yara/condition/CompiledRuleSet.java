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
    /** Per rule: its condition is false when none of its strings matched (never set where console is imported). */
    private final boolean[] needsAMatch;
    /** Global string index -> index of the rule that declares it. */
    private final int[] stringRule;

    CompiledRuleSet(List<CompiledRule> rules, Nodes.IntNode[] conditions, String[] moduleNames, int stringCount,
                    int[][] namespaceGlobals, java.util.BitSet needsAllMatches, java.util.Map<Integer, Long> fixedOffsets,
                    java.util.BitSet needsAMatch) {
        this.needsAMatch = new boolean[rules.size()];
        for (int i = needsAMatch.nextSetBit(0); i >= 0 && i < rules.size(); i = needsAMatch.nextSetBit(i + 1)) {
            this.needsAMatch[i] = true;
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
        this.stringRule = new int[stringCount];
        for (int r = 0; r < this.rules.size(); r++) {
            for (int s : this.rules.get(r).stringIndexes()) {
                stringRule[s] = r;
            }
        }
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
        long deadline = deadlineNanos == Long.MAX_VALUE ? System.nanoTime() + Long.MAX_VALUE / 2 : deadlineNanos;
        Frame frame = new Frame(context, deadline, rules.size(), moduleNames.length);
        boolean[] result = new boolean[rules.size()];
        boolean[] withMatch = rulesWithMatches(context);
        for (int i = 0; i < conditions.length; i++) {
            if (needsAMatch[i] && !anyMatch(context, withMatch, i)) {
                continue; // false, as evaluating would find (ruleResults starts at 0)
            }
            long v = conditions[i].eval(frame);
            boolean match = v != 0 && !Nodes.undef(v);
            frame.ruleResults[i] = (byte) (match ? 1 : 0);
            result[i] = match;
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

    /**
     * Per rule, whether one of its strings matched, from the strings the scan saw hits of: far fewer than the
     * strings of all rules. Null when the context does not list them.
     */
    private boolean[] rulesWithMatches(ScanContext context) {
        int[] hit = context.stringsWithHits();
        if (hit == null) {
            return null;
        }
        boolean[] withMatch = new boolean[rules.size()];
        for (int s : hit) {
            if (context.matches(s).count() > 0) {
                withMatch[stringRule[s]] = true;
            }
        }
        return withMatch;
    }

    private boolean anyMatch(ScanContext context, boolean[] withMatch, int rule) {
        if (withMatch != null) {
            return withMatch[rule];
        }
        for (int s : rules.get(rule).stringIndexes()) {
            if (context.matches(s).count() > 0) {
                return true;
            }
        }
        return false;
    }
}
