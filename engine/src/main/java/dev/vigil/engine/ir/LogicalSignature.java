package dev.vigil.engine.ir;

import java.util.List;

/** A logical (.ldb) signature: subsignatures combined by a logical expression, under a target description. */
public record LogicalSignature(String name, TargetDescription target, LogicExpression expression,
                               List<SubSignature> subsignatures) {
    public LogicalSignature {
        subsignatures = List.copyOf(subsignatures);
    }
}
