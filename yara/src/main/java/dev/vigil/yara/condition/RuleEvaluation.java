package dev.vigil.yara.condition;

/**
 * The evaluation of a {@link CompiledRuleSet}'s conditions over one scan: the guards, asked while the strings are
 * searched, and then every condition. Not thread-safe; one per scan.
 */
public final class RuleEvaluation {
    private final CompiledRuleSet rules;
    private final Frame frame;

    RuleEvaluation(CompiledRuleSet rules, Frame frame) {
        this.rules = rules;
        this.frame = frame;
    }

    /**
     * False when rule {@code rule} cannot match this scan whatever its strings match: the string-free operands of
     * its condition's top-level {@code and} (its guard) are false or undefined. True when it has no guard.
     *
     * @throws ConditionTimeoutException past the deadline
     * @throws java.io.UncheckedIOException when reading the input fails
     */
    public boolean guardHolds(int rule) {
        return rules.guardHolds(rule, frame);
    }

    /**
     * Evaluates every rule in order, as {@link CompiledRuleSet#evaluate(ScanContext, long)}; once per evaluation.
     *
     * @throws ConditionTimeoutException past the deadline
     * @throws java.io.UncheckedIOException when reading the input fails
     */
    public boolean[] evaluate() {
        return rules.evaluate(frame);
    }
}
