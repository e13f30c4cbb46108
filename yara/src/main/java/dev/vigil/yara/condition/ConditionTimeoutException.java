package dev.vigil.yara.condition;

/** Evaluation ran past its deadline (e.g. a loop over a huge range); the scan of this file is abandoned. */
public final class ConditionTimeoutException extends RuntimeException {
    public ConditionTimeoutException(String message) {
        super(message);
    }
}
