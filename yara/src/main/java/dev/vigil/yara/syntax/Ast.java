package dev.vigil.yara.syntax;

import java.util.List;

/** The syntax tree of YARA rule sources, as written; names are resolved and types checked later. */
public final class Ast {

    private Ast() {
    }

    /** The top-level items of one source with its includes expanded, in source order. */
    public record SourceUnit(List<Item> items) {
    }

    public sealed interface Item permits Import, Rule {
    }

    public record Import(String module, String file, int line) implements Item {
    }

    /** A {@code meta:} entry; {@code value} is a String (ISO-8859-1 bytes), Long or Boolean. */
    public record Meta(String key, Object value) {
    }

    /** {@code line}: of the rule's name; {@code endLine}: of its closing brace. */
    public record Rule(String name, boolean isPrivate, boolean isGlobal, List<String> tags, List<Meta> metas,
                       List<StringDecl> strings, Expr condition, String file, int line, int endLine)
            implements Item {
    }

    /**
     * Every expression carries the line YARA reports its errors on: that of the token after it (0 at the end of
     * the input), since YARA's parser checks a construct when it reads the next token.
     */
    public sealed interface Expr {
        int line();
    }

    public record BoolLit(boolean value, int line) implements Expr {
    }

    public record IntLit(long value, int line) implements Expr {
    }

    public record FloatLit(double value, int line) implements Expr {
    }

    public record TextLit(byte[] value, int line) implements Expr {
    }

    public record RegexLit(String source, boolean nocase, boolean dotAll, int line) implements Expr {
    }

    public record Filesize(int line) implements Expr {
    }

    public record Entrypoint(int line) implements Expr {
    }

    /** {@code uint16be(offset)} and friends; {@code function} is the name as written. */
    public record IntRead(String function, Expr offset, int line) implements Expr {
    }

    /** {@code $a}, {@code $a at x}, {@code $a in (lo..hi)}; identifier "$" means the for-of loop's string. */
    public record StringMatch(String identifier, Expr at, Range in, int line) implements Expr {
    }

    /** {@code #a} or {@code #a in (lo..hi)}; identifier without sigil, e.g. "a" ("" inside for-of). */
    public record StringCount(String identifier, Range in, int line) implements Expr {
    }

    /** {@code @a}/{@code @a[i]} (length=false) or {@code !a}/{@code !a[i]} (length=true); index null = 1. */
    public record StringOffset(String identifier, Expr index, boolean length, int line) implements Expr {
    }

    public record Identifier(String name, int line) implements Expr {
    }

    public record Member(Expr object, String field, int line) implements Expr {
    }

    public record Index(Expr object, Expr index, int line) implements Expr {
    }

    public record Call(Expr function, List<Expr> arguments, int line) implements Expr {
    }

    /** Unary operators: "-", "~", "not", "defined". */
    public record Unary(String op, Expr operand, int line) implements Expr {
    }

    /**
     * Binary operators as spelled: and or + - * \ % & | ^ << >> == != < <= > >= contains icontains startswith
     * istartswith endswith iendswith iequals matches.
     */
    public record Binary(String op, Expr left, Expr right, int line) implements Expr {
    }

    public record Range(Expr low, Expr high, int line) {
    }

    /** How many: ALL, ANY, NONE, COUNT (n), PERCENT (n%). */
    public record Quantifier(Kind kind, Expr count, int line) {
        public enum Kind { ALL, ANY, NONE, COUNT, PERCENT }
    }

    /**
     * {@code q of them/($a, $b*)/(rule_a, b*)} optionally {@code at x} or {@code in (lo..hi)}. For strings
     * {@code items} holds "$a"/"$b*" ("$*" for them); for rules the names, a trailing '*' for wildcards.
     */
    public record Of(Quantifier quantifier, List<String> items, boolean rules, Expr at, Range in, int line)
            implements Expr {
    }

    /** {@code for q of <strings> : (body)}. */
    public record ForOf(Quantifier quantifier, List<String> strings, Expr body, int line) implements Expr {
    }

    /** {@code for q v1[, v2] in <iterable> : (body)}. */
    public record ForIn(Quantifier quantifier, List<String> variables, Iterable iterable, Expr body, int line)
            implements Expr {
    }

    public sealed interface Iterable permits RangeIterable, ListIterable, ExprIterable {
    }

    public record RangeIterable(Range range) implements Iterable {
    }

    public record ListIterable(List<Expr> items) implements Iterable {
    }

    /** A module array or dictionary. */
    public record ExprIterable(Expr expr) implements Iterable {
    }
}
