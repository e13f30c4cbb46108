package dev.vigil.engine.ir;

/**
 * The logical expression of a logical signature over its subsignatures' match counts.
 * Implemented by the reader of the signature language (ClamAV's semantics live in the clamav module).
 */
public interface LogicExpression {

    /** True when the signature's condition holds for these per-subsignature match counts. */
    boolean evaluate(int[] counts);

    /** The highest subsignature index the expression names. */
    int maxSubsignature();
}
