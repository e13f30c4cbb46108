package dev.vigil.engine.ir;

/** One subsignature of a logical signature. */
public sealed interface SubSignature
        permits SubSignature.Content, SubSignature.Post {

    /**
     * A byte pattern found in the single pass. Several variants stand for one subsignature
     * (for example {@code ::aw}: the ASCII and the wide form); a match of any variant counts.
     */
    record Content(OffsetSpec offset, java.util.List<BodyPattern> variants) implements SubSignature {
        public Content {
            variants = java.util.List.copyOf(variants);
        }
    }

    /**
     * A subsignature evaluated after the byte pass, once the content subsignatures' matches are known
     * (PCRE, byte-compare, macros). The reader that knows its syntax implements it.
     */
    non-sealed interface Post extends SubSignature {
        /**
         * The number of times this subsignature matches (0 for none). {@code counts} holds the match counts of all
         * subsignatures of the signature evaluated so far (content ones and earlier post ones).
         */
        int evaluate(EvaluationContext context, int[] counts);
    }
}
