package dev.vigil.yara.condition;

import dev.vigil.yara.syntax.Ast;

/**
 * Which conditions are false whenever none of the rule's strings matched ({@code uint16(0) == 0x5a4d and 2 of
 * them}): most rules of a large set, on most files. Those need no evaluation then. Only the shapes whose value
 * is certain are recognised: a string match, {@code n of} strings with n at least one, and {@code and}/{@code or}
 * of such; anything else counts as possibly true.
 */
final class StringGate {

    private StringGate() {
    }

    /** Whether {@code condition} is false (or undefined) when no string of its rule has a match. */
    static boolean needsAMatch(Ast.Expr condition) {
        return switch (condition) {
            case Ast.StringMatch m -> !m.identifier().equals("$");
            case Ast.Of of -> !of.rules() && atLeastOne(of.quantifier());
            case Ast.Binary b when b.op().equals("and") -> needsAMatch(b.left()) || needsAMatch(b.right());
            case Ast.Binary b when b.op().equals("or") -> needsAMatch(b.left()) && needsAMatch(b.right());
            default -> false;
        };
    }

    private static boolean atLeastOne(Ast.Quantifier q) {
        return switch (q.kind()) {
            case ALL, ANY -> true;
            case COUNT, PERCENT -> q.count() instanceof Ast.IntLit n && n.value() > 0;
            case NONE -> false;
        };
    }
}
