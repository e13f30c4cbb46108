package dev.vigil.yara.condition;

import dev.vigil.yara.condition.Nodes.FloatNode;
import dev.vigil.yara.condition.Nodes.IntNode;
import dev.vigil.yara.condition.Nodes.ObjNode;
import dev.vigil.yara.condition.Nodes.StrNode;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.strings.YaraRegex;
import dev.vigil.yara.syntax.Ast;
import dev.vigil.yara.syntax.Ast.Expr;
import dev.vigil.yara.syntax.CompileError;
import dev.vigil.yara.syntax.StringDecl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;

import static dev.vigil.yara.condition.Nodes.UNDEF;
import static dev.vigil.yara.condition.Nodes.UNDEF_D;
import static dev.vigil.yara.condition.Nodes.undef;

/** Type-checks one rule's condition as YARA 4.5's grammar actions do, and builds its evaluation nodes. */
final class ConditionCompiler {

    private static final int MAX_LOOP_NESTING = 4;
    private static final int MAX_LOOP_VARS = 2;

    enum T { BOOL, INT, FLOAT, STRING, REGEX, OBJECT }

    /**
     * A checked expression: its static type, its node, the module type for OBJECT, YARA's compile-time integer
     * value ({@link Nodes#UNDEF} when not constant) and, for text literals, the literal.
     */
    record X(T t, Object node, Type type, long constant, byte[] literal, String name) {
        static X of(T t, Object node) {
            return new X(t, node, null, UNDEF, null, null);
        }
    }

    private record LoopVar(String name, T t, Type type, int slot) {
    }

    /**
     * Nodes whose value is fixed when the rules compile (literals, externals). A comparison, string operator or
     * {@code matches} over such nodes only is evaluated once here: signature-base tests the empty {@code filename}
     * external against hundreds of regular expressions, on every file otherwise.
     */
    private record ConstInt(long value) implements IntNode {
        @Override
        public long eval(Frame f) {
            return value;
        }
    }

    private record ConstStr(byte[] value) implements StrNode {
        @Override
        public byte[] eval(Frame f) {
            return value;
        }
    }

    private record ConstObj(Object value) implements ObjNode {
        @Override
        public Object eval(Frame f) {
            return value;
        }
    }

    private static boolean isConstant(Object node) {
        return node instanceof ConstInt || node instanceof ConstStr || node instanceof ConstObj;
    }

    /** {@code node} itself, or its value as a constant node when every operand it reads is constant. */
    private static IntNode folded(IntNode node, Object... operands) {
        for (Object o : operands) {
            if (!isConstant(o)) {
                return node;
            }
        }
        return new ConstInt(node.eval(null)); // the operands ignore the frame
    }

    private final RuleSetCompiler.State state;
    private final Ast.Rule rule;
    private final String namespace;
    private final int[] stringIndexes;
    private final BitSet referenced = new BitSet();
    /** Strings the condition reads beyond "found or not" (#, @, !, at, in, of, for..of): yara -f must keep all their matches. */
    private final BitSet needsAllMatches = new BitSet();
    /** Local strings used in some way other than {@code $a at E} (see {@link #atOnly}). */
    private final BitSet notAtOnly = new BitSet();
    /**
     * yara's fixed-offset strings: one referenced only as {@code $a at C} with one constant C is searched at C alone.
     * Per local string: C (UNDEF until an "at" sets it), and whether some other use cleared the property.
     */
    private final long[] fixedOffsets;
    private final BitSet notFixed = new BitSet();

    /** How a condition uses a string: plain {@code $a}, {@code $a at X}, or anything else. */
    private enum Use { FOUND, AT, OTHER }
    private final List<List<LoopVar>> loops = new ArrayList<>();
    private int nextSlot;
    private boolean inForOf;
    private int line;

    ConditionCompiler(RuleSetCompiler.State state, Ast.Rule rule, String namespace, int[] stringIndexes) {
        this.state = state;
        this.rule = rule;
        this.namespace = namespace;
        this.stringIndexes = stringIndexes;
        this.fixedOffsets = new long[rule.strings().size()];
        java.util.Arrays.fill(fixedOffsets, UNDEF);
    }

    IntNode compileCondition() {
        if (!rule.strings().isEmpty() && rule.condition() instanceof Ast.Binary top && top.op().equals("and")) {
            andSpine = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
            markAndSpine(top);
        }
        X x = compile(rule.condition());
        IntNode cond = toBool(x, true);
        for (int i = 0; i < rule.strings().size(); i++) {
            String id = rule.strings().get(i).identifier();
            if (!referenced.get(i) && !id.startsWith("$_")) {
                throw new CompileError("unreferenced string \"" + id + "\"", rule.file(), rule.endLine());
            }
            if (!referenced.get(i)) {
                notFixed.set(i);
            }
        }
        return cond;
    }

    /**
     * The condition's guard, or null: the {@code and} of those operands of its top-level {@code and} chain that read
     * no string, no rule result and no module function ({@code uint16(0) == 0x5a4d}, {@code filesize < 2MB},
     * {@code pe.number_of_sections > 2}). When the guard is false (or undefined) so is the condition, whatever the
     * strings match, so a scan need not search the rule's strings at all (see {@link RuleEvaluation#guardHolds}).
     * Module functions stay out because some cost a pass over the whole file ({@code hash.md5}, {@code math.entropy}),
     * which the full condition only pays when the strings matched.
     */
    IntNode guard() {
        if (guardParts.isEmpty()) {
            return null;
        }
        IntNode[] parts = guardParts.toArray(new IntNode[0]);
        return f -> {
            for (IntNode p : parts) {
                long v = p.eval(f);
                if (v == 0 || undef(v)) {
                    return 0;
                }
            }
            return 1;
        };
    }

    /**
     * Local strings the condition cannot be true without: operands of its top-level {@code and} chain that are
     * {@code $a}, {@code $a at E} or {@code $a in R}, each true only where {@code $a} has a match.
     */
    private final BitSet required = new BitSet();

    private void noteRequired(Expr operand) {
        // compiled already: an undefined identifier was reported there
        if (operand instanceof Ast.StringMatch m && !m.identifier().equals("$")) {
            required.set(localIndexOf(m.identifier()));
        }
    }

    /** Global indexes of the strings the condition cannot be true without (see {@link #required}). */
    int[] requiredStrings() {
        return required.stream().map(i -> stringIndexes[i]).toArray();
    }

    /** The {@code and} nodes of the condition's top-level chain (by identity), while it compiles; null otherwise. */
    private java.util.Set<Ast.Binary> andSpine;
    /** The compiled operands of that chain which read no string (see {@link #guard}). */
    private final List<IntNode> guardParts = new ArrayList<>();

    private void markAndSpine(Expr e) {
        while (e instanceof Ast.Binary b && b.op().equals("and")) {
            andSpine.add(b);
            if (b.right() instanceof Ast.Binary r && r.op().equals("and")) {
                markAndSpine(r); // parenthesised: (a and (b and c))
            }
            e = b.left();
        }
    }

    /** Whether {@code e} reads nothing but constants, externals, the data, its size and module fields. */
    private boolean stringFree(Expr e) {
        return switch (e) {
            case Ast.BoolLit x -> true;
            case Ast.IntLit x -> true;
            case Ast.FloatLit x -> true;
            case Ast.TextLit x -> true;
            case Ast.RegexLit x -> true;
            case Ast.Filesize x -> true;
            case Ast.Entrypoint x -> true;
            case Ast.IntRead r -> stringFree(r.offset());
            // outside loops (the chain's operands are), a name is a module, an external or a rule, in that order
            case Ast.Identifier id -> state.importsByNamespace.getOrDefault(namespace, java.util.Set.of())
                    .contains(id.name()) || state.externals.containsKey(id.name());
            case Ast.Member m -> stringFree(m.object());
            case Ast.Index ix -> stringFree(ix.object()) && stringFree(ix.index());
            case Ast.Unary u -> stringFree(u.operand());
            case Ast.Binary b -> stringFree(b.left()) && stringFree(b.right());
            default -> false; // strings, of, loops, function calls
        };
    }

    /** Local indexes of the strings whose every match counts; the others need one match only (yara's fast mode). */
    BitSet needsAllMatches() {
        return (BitSet) needsAllMatches.clone();
    }

    /**
     * The offset local string {@code i} is searched at alone (UNDEF, which no offset equals, in yara's corner case of
     * an anonymous {@code $ at} with a non-constant offset), or {@link StringMatches#ANYWHERE}. Only literal strings
     * honour it, which the caller knows.
     */
    long fixedOffset(int i) {
        return notFixed.get(i) ? dev.vigil.yara.strings.StringMatches.ANYWHERE : fixedOffsets[i];
    }

    /**
     * Whether every use of local string {@code i} is {@code $a at E} (or {@code $ at E} in a for-of over it), whatever
     * E: then only whether it matches at one offset decides the condition, which a scan can check there alone
     * instead of searching the whole data for it (see {@code YaraScanState}).
     */
    boolean atOnly(int i) {
        return referenced.get(i) && !notAtOnly.get(i);
    }

    private int localIndexOf(String id) {
        for (int i = 0; i < rule.strings().size(); i++) {
            if (rule.strings().get(i).identifier().equals(id)) {
                return i;
            }
        }
        return 0; // stringLocal reports the undefined string
    }

    /** Records {@code $a at C} (C UNDEF when not a constant) for local string {@code local}, or for all on -1. */
    private void noteAt(int local, long at) {
        if (local >= 0) {
            if (fixedOffsets[local] == UNDEF) {
                fixedOffsets[local] = at;
            }
            if (fixedOffsets[local] == UNDEF || fixedOffsets[local] != at) {
                notFixed.set(local);
            }
            return;
        }
        // yara's anonymous form lacks the UNDEF test
        for (int i = 0; i < fixedOffsets.length; i++) {
            if (fixedOffsets[i] == UNDEF) {
                fixedOffsets[i] = at;
            }
            if (fixedOffsets[i] != at) {
                notFixed.set(i);
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private CompileError error(String message) {
        return new CompileError(message, rule.file(), line);
    }

    private void warn(String message) {
        state.warn(rule.file(), line, message, rule.name());
    }

    private static String typeName(T t) {
        return switch (t) {
            case INT -> "integer";
            case FLOAT -> "float";
            case STRING -> "string";
            case BOOL -> "boolean";
            case REGEX -> "regexp";
            case OBJECT -> "object";
        };
    }

    private X requireType(X x, T t, String op) {
        if (x.t() != t) {
            throw error("wrong type \"" + typeName(x.t()) + "\" for " + op + " operator");
        }
        return x;
    }

    /** The value YARA pushes for an expression used as a boolean: raw for integers, floats as their bits. */
    private IntNode toBool(X x, boolean warnLiteral) {
        switch (x.t()) {
            case BOOL, INT:
                return (IntNode) x.node();
            case FLOAT: {
                FloatNode n = (FloatNode) x.node();
                return f -> Double.doubleToRawLongBits(n.eval(f));
            }
            case STRING: {
                if (warnLiteral && x.literal() != null) {
                    warn("using literal string \"" + latin1(x.literal()) + "\" in a boolean operation.");
                }
                StrNode n = (StrNode) x.node();
                return folded(f -> {
                    byte[] s = n.eval(f);
                    return s == null ? UNDEF : (s.length > 0 ? 1 : 0);
                }, n);
            }
            default:
                throw error("wrong usage of identifier \"" + (x.name() == null ? "" : x.name()) + "\"");
        }
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static FloatNode toFloat(X x) {
        if (x.t() == T.FLOAT) {
            return (FloatNode) x.node();
        }
        IntNode n = (IntNode) x.node();
        return f -> {
            long v = n.eval(f);
            return undef(v) ? UNDEF_D : (double) v;
        };
    }

    private static IntNode intNode(X x) {
        return (IntNode) x.node();
    }

    private static X constant(long v) {
        return new X(T.INT, new ConstInt(v), null, v, null, null);
    }

    private static long fold(long a, long b, java.util.function.LongBinaryOperator op) {
        return undef(a) || undef(b) ? UNDEF : op.applyAsLong(a, b);
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    X compile(Expr e) {
        line = e.line();
        return switch (e) {
            case Ast.BoolLit b -> {
                yield X.of(T.BOOL, new ConstInt(b.value() ? 1 : 0));
            }
            case Ast.IntLit i -> constant(i.value());
            case Ast.FloatLit d -> {
                double v = d.value();
                yield X.of(T.FLOAT, (FloatNode) f -> v);
            }
            case Ast.TextLit s -> {
                byte[] v = s.value();
                yield new X(T.STRING, new ConstStr(v), null, UNDEF, v, null);
            }
            case Ast.RegexLit r -> X.of(T.REGEX, regexNode(r));
            case Ast.Filesize fs -> X.of(T.INT, (IntNode) f -> f.ctx.filesize());
            case Ast.Entrypoint ep -> {
                warn("using deprecated \"entrypoint\" keyword. Use the \"entry_point\" function from PE module "
                        + "instead.");
                yield X.of(T.INT, (IntNode) f -> {
                    Long v = f.ctx.entrypoint();
                    return v == null ? UNDEF : v;
                });
            }
            case Ast.IntRead r -> intRead(r);
            case Ast.StringMatch m -> stringMatch(m);
            case Ast.StringCount c -> stringCount(c);
            case Ast.StringOffset o -> stringOffset(o);
            case Ast.Identifier id -> identifier(id);
            case Ast.Member m -> member(m);
            case Ast.Index ix -> index(ix);
            case Ast.Call call -> call(call);
            case Ast.Unary u -> unary(u);
            case Ast.Binary b -> binary(b);
            case Ast.Of of -> of(of);
            case Ast.ForOf fo -> forOf(fo);
            case Ast.ForIn fi -> forIn(fi);
        };
    }

    private ObjNode regexNode(Ast.RegexLit r) {
        YaraRegex re;
        try {
            re = YaraRegex.compile(r.source(), r.nocase(), r.dotAll());
        } catch (IllegalArgumentException bad) {
            throw error(bad.getMessage());
        }
        if (state.options.strictEscape() && re.hasUnknownEscape()) {
            warn("unknown escape sequence");
        }
        return new ConstObj(re);
    }

    private X intRead(Ast.IntRead r) {
        X off = compile(r.offset());
        line = r.line();
        requireType(off, T.INT, "intXXXX or uintXXXX");
        IntNode o = intNode(off);
        String fn = r.function();
        boolean signed = !fn.startsWith("u");
        boolean big = fn.endsWith("be");
        int size = fn.contains("8") ? 1 : fn.contains("16") ? 2 : 4;
        return X.of(T.INT, (IntNode) f -> {
            long at = o.eval(f);
            if (undef(at) || at < 0 || at > f.ctx.filesize() - size) {
                return UNDEF;
            }
            long v;
            try {
                v = f.unsignedAt(at, size, big);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            if (v < 0) {
                return UNDEF;
            }
            if (signed) {
                int shift = 64 - 8 * size;
                v = (v << shift) >> shift;
            }
            return v;
        });
    }

    // ---- strings ------------------------------------------------------------------------------------------------

    /** Local index of the string named {@code id} ("$a"), -1 for "$" inside for-of. */
    private int stringLocal(String id) {
        return stringLocal(id, Use.OTHER);
    }

    /**
     * @param use a plain {@code $a} only asks whether the string matched; any other use needs every match, and an
     *            anonymous {@code $} in such a use needs them for all the rule's strings, as yara marks them. Any use
     *            but {@code at} (recorded by the caller) ends a fixed offset.
     */
    private int stringLocal(String id, Use use) {
        boolean foundOnly = use == Use.FOUND;
        if (id.equals("$")) {
            if (!inForOf) {
                throw error("wrong use of anonymous string");
            }
            if (!foundOnly) {
                needsAllMatches.set(0, rule.strings().size());
            }
            if (use != Use.AT) {
                notFixed.set(0, rule.strings().size());
                notAtOnly.set(0, rule.strings().size());
            }
            return -1;
        }
        List<StringDecl> strings = rule.strings();
        for (int i = 0; i < strings.size(); i++) {
            if (strings.get(i).identifier().equals(id)) {
                referenced.set(i);
                if (!foundOnly) {
                    needsAllMatches.set(i);
                }
                if (use != Use.AT) {
                    notFixed.set(i);
                    notAtOnly.set(i);
                }
                return i;
            }
        }
        throw error("undefined string \"" + id + "\"");
    }

    /** A node giving the global string index: fixed, or the for-of loop's current string. */
    private IntNode stringIndex(String id) {
        int local = stringLocal(id);
        if (local < 0) {
            return f -> f.currentString;
        }
        int global = stringIndexes[local];
        return f -> global;
    }

    private X stringMatch(Ast.StringMatch m) {
        int local = stringLocal(m.identifier(), m.at() != null ? Use.AT : m.in() == null ? Use.FOUND : Use.OTHER);
        int global = local < 0 ? -1 : stringIndexes[local];
        if (m.at() != null) {
            X at = compile(m.at());
            line = m.line();
            requireType(at, T.INT, "at");
            noteAt(local, at.constant());
            IntNode a = intNode(at);
            return X.of(T.BOOL, (IntNode) f -> {
                long pos = a.eval(f);
                if (undef(pos)) {
                    return UNDEF;
                }
                return f.ctx.matchesAt(global < 0 ? f.currentString : global, pos) ? 1 : 0;
            });
        }
        if (m.in() != null) {
            IntNode[] r = range(m.in());
            return X.of(T.BOOL, (IntNode) f -> {
                long lo = r[0].eval(f);
                long hi = r[1].eval(f);
                if (undef(lo) || undef(hi)) {
                    return UNDEF;
                }
                var mv = f.ctx.matches(global < 0 ? f.currentString : global);
                long first = firstAtOrAfter(mv, lo);
                return first != Long.MIN_VALUE && first <= hi ? 1 : 0;
            });
        }
        return X.of(T.BOOL, (IntNode) f -> f.ctx.matches(global < 0 ? f.currentString : global).count() > 0 ? 1 : 0);
    }

    /** The smallest match offset ≥ pos, or Long.MIN_VALUE; matches are sorted by offset. */
    static long firstAtOrAfter(dev.vigil.yara.strings.MatchView mv, long pos) {
        int lo = 0;
        int hi = mv.count();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (mv.offset(mid) < pos) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo < mv.count() ? mv.offset(lo) : Long.MIN_VALUE;
    }

    private X stringCount(Ast.StringCount c) {
        IntNode idx = stringIndex(c.identifier());
        if (c.in() == null) {
            return X.of(T.INT, (IntNode) f -> f.ctx.matches((int) idx.eval(f)).count());
        }
        IntNode[] r = range(c.in());
        return X.of(T.INT, (IntNode) f -> {
            long lo = r[0].eval(f);
            long hi = r[1].eval(f);
            if (undef(lo) || undef(hi)) {
                return UNDEF;
            }
            var mv = f.ctx.matches((int) idx.eval(f));
            long n = 0;
            for (int i = 0; i < mv.count(); i++) {
                long o = mv.offset(i);
                if (o > hi) {
                    break;
                }
                if (o >= lo) {
                    n++;
                }
            }
            return n;
        });
    }

    private X stringOffset(Ast.StringOffset o) {
        IntNode idx = stringIndex(o.identifier());
        IntNode which;
        if (o.index() == null) {
            which = f -> 1;
        } else {
            X i = compile(o.index());
            line = o.line();
            requireType(i, T.INT, o.length() ? "!" : "@");
            which = intNode(i);
        }
        boolean length = o.length();
        return X.of(T.INT, (IntNode) f -> {
            long i = which.eval(f);
            if (undef(i)) {
                return UNDEF;
            }
            var mv = f.ctx.matches((int) idx.eval(f));
            if (i < 1 || i > mv.count()) {
                return UNDEF;
            }
            return length ? mv.length((int) (i - 1)) : mv.offset((int) (i - 1));
        });
    }

    private IntNode[] range(Ast.Range r) {
        X lo = compile(r.low());
        X hi = compile(r.high());
        line = r.line();
        if (lo.t() != T.INT) {
            throw error("wrong type for range's lower bound");
        }
        if (hi.t() != T.INT) {
            throw error("wrong type for range's upper bound");
        }
        if (!undef(lo.constant()) && !undef(hi.constant())) {
            if (lo.constant() > hi.constant()) {
                throw error("invalid value in condition: \"range lower bound must be less than upper bound\"");
            }
            if (lo.constant() < 0) {
                throw error("invalid value in condition: \"range lower bound can not be negative\"");
            }
        }
        return new IntNode[] {intNode(lo), intNode(hi)};
    }

    /** Global indexes of the strings an enumeration names ("$a", "$a*", "$*"). */
    private int[] stringSet(List<String> items, boolean forOf) {
        List<Integer> out = new ArrayList<>();
        for (String item : items) {
            if (item.endsWith("*")) {
                String prefix = item.substring(0, item.length() - 1);
                boolean any = false;
                for (int i = 0; i < rule.strings().size(); i++) {
                    if (rule.strings().get(i).identifier().startsWith(prefix)) {
                        referenced.set(i);
                        needsAllMatches.set(i);
                        notFixed.set(i);
                        if (!forOf) {
                            notAtOnly.set(i);
                        }
                        out.add(stringIndexes[i]);
                        any = true;
                    }
                }
                if (!any) {
                    throw error("undefined string \"" + item + "\"");
                }
            } else {
                if (item.equals("$")) {
                    throw error("wrong use of anonymous string");
                }
                boolean before = notAtOnly.get(localIndexOf(item));
                int local = stringLocal(item);
                if (forOf && !before) {
                    notAtOnly.clear(local); // a for-of's body decides how its strings are used
                }
                out.add(stringIndexes[local]);
            }
        }
        return RuleSetCompiler.ints(out);
    }

    // ---- identifiers and modules --------------------------------------------------------------------------------

    private X identifier(Ast.Identifier id) {
        String name = id.name();
        for (int d = loops.size() - 1; d >= 0; d--) {
            for (LoopVar v : loops.get(d)) {
                if (v.name().equals(name)) {
                    return loopVar(v);
                }
            }
        }
        if (state.importsByNamespace.getOrDefault(namespace, java.util.Set.of()).contains(name)) {
            int slot = state.moduleSlots.get(name);
            Type.Struct schema = state.options.modules().get(name).schema();
            return new X(T.OBJECT, (ObjNode) f -> {
                if (!f.modulesLoaded[slot]) {
                    f.modules[slot] = f.ctx.module(name);
                    f.modulesLoaded[slot] = true;
                }
                return f.modules[slot];
            }, schema, UNDEF, null, name);
        }
        if (state.externals.containsKey(name)) {
            Object v = state.externals.get(name);
            return switch (v) {
                case Long l -> X.of(T.INT, new ConstInt(l));
                case Integer i -> X.of(T.INT, new ConstInt(i));
                case Boolean b -> X.of(T.BOOL, new ConstInt(b ? 1 : 0));
                case Double d -> X.of(T.FLOAT, (FloatNode) f -> d);
                case String s -> {
                    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
                    yield X.of(T.STRING, new ConstStr(bytes));
                }
                default -> throw error("undefined identifier \"" + name + "\"");
            };
        }
        Integer ruleIndex = state.rulesByNamespace.getOrDefault(namespace, Map.of()).get(name);
        if (ruleIndex != null) {
            int r = ruleIndex;
            return X.of(T.BOOL, (IntNode) f -> f.ruleResults[r]);
        }
        throw error("undefined identifier \"" + name + "\"");
    }

    private X loopVar(LoopVar v) {
        int slot = v.slot();
        return switch (v.t()) {
            case INT -> X.of(T.INT, (IntNode) f -> f.ints[slot]);
            case STRING -> X.of(T.STRING, (StrNode) f -> (byte[]) f.objects[slot]);
            case FLOAT -> X.of(T.FLOAT, (FloatNode) f -> {
                Object o = f.objects[slot];
                return o == null ? UNDEF_D : (Double) o;
            });
            default -> new X(T.OBJECT, (ObjNode) f -> f.objects[slot], v.type(), UNDEF, null, v.name());
        };
    }

    /** Wraps a runtime module value of declared type {@code type} as a typed expression. */
    private X moduleValue(ObjNode raw, Type type, String name) {
        if (type == Type.INTEGER) {
            return new X(T.INT, (IntNode) f -> raw.eval(f) instanceof Long l ? l : UNDEF, null, UNDEF, null, name);
        }
        if (type == Type.FLOAT) {
            return new X(T.FLOAT, (FloatNode) f -> raw.eval(f) instanceof Double d ? d : UNDEF_D, null, UNDEF, null,
                    name);
        }
        if (type == Type.STRING) {
            return new X(T.STRING, (StrNode) f -> raw.eval(f) instanceof byte[] b ? b : null, null, UNDEF, null,
                    name);
        }
        return new X(T.OBJECT, raw, type, UNDEF, null, name);
    }

    private X member(Ast.Member m) {
        X obj = compile(m.object());
        line = m.line();
        if (obj.t() != T.OBJECT || !(obj.type() instanceof Type.Struct struct)) {
            throw error("\"" + describe(m.object()) + "\" is not a structure");
        }
        Type ft = struct.field(m.field());
        if (ft == null) {
            throw error("invalid field name \"" + m.field() + "\"");
        }
        ObjNode o = (ObjNode) obj.node();
        String field = m.field();
        ObjNode raw = f -> o.eval(f) instanceof StructValue s ? s.get(field) : null;
        return moduleValue(raw, ft, describe(m));
    }

    private X index(Ast.Index ix) {
        X obj = compile(ix.object());
        X key = compile(ix.index());
        line = ix.line();
        ObjNode o = obj.t() == T.OBJECT ? (ObjNode) obj.node() : null;
        if (o != null && obj.type() instanceof Type.Array arr) {
            if (key.t() != T.INT) {
                throw error("array indexes must be of integer type");
            }
            IntNode k = intNode(key);
            ObjNode raw = f -> {
                if (!(o.eval(f) instanceof List<?> list)) {
                    return null;
                }
                long i = k.eval(f);
                return undef(i) || i < 0 || i >= list.size() ? null : list.get((int) i);
            };
            return moduleValue(raw, arr.element(), describe(ix.object()));
        }
        if (o != null && obj.type() instanceof Type.Dict dict) {
            if (key.t() != T.STRING) {
                throw error("dictionary keys must be of string type");
            }
            StrNode k = (StrNode) key.node();
            ObjNode raw = f -> {
                if (!(o.eval(f) instanceof Map<?, ?> map)) {
                    return null;
                }
                byte[] s = k.eval(f);
                return s == null ? null : map.get(latin1(s));
            };
            return moduleValue(raw, dict.element(), describe(ix.object()));
        }
        throw error("\"" + describe(ix.object()) + "\" is not an array or dictionary");
    }

    private X call(Ast.Call call) {
        X fn = compile(call.function());
        List<X> args = new ArrayList<>();
        StringBuilder sig = new StringBuilder();
        for (Expr a : call.arguments()) {
            X x = compile(a);
            args.add(x);
            sig.append(switch (x.t()) {
                case INT -> 'i';
                case FLOAT -> 'f';
                case STRING -> 's';
                case REGEX -> 'r';
                case BOOL -> 'b';
                case OBJECT -> 'o';
            });
        }
        line = call.line();
        if (fn.t() != T.OBJECT || !(fn.type() instanceof Type.Function function)) {
            throw error("\"" + describe(call.function()) + "\" is not a function");
        }
        int overload = -1;
        for (int i = 0; i < function.overloads().size(); i++) {
            if (function.overloads().get(i).arguments().contentEquals(sig)) {
                overload = i;
                break;
            }
        }
        if (overload < 0) {
            throw error("wrong arguments for function \"" + describe(call.function()) + "\"");
        }
        ObjNode target = (ObjNode) fn.node();
        Object[] argNodes = new Object[args.size()];
        T[] argTypes = new T[args.size()];
        for (int i = 0; i < argNodes.length; i++) {
            argNodes[i] = args.get(i).node();
            argTypes[i] = args.get(i).t();
        }
        int ov = overload;
        ObjNode raw = f -> {
            if (!(target.eval(f) instanceof ModuleFunction mf)) {
                return null;
            }
            Object[] values = new Object[argNodes.length];
            for (int i = 0; i < values.length; i++) {
                Object v = switch (argTypes[i]) {
                    case INT, BOOL -> {
                        long l = ((IntNode) argNodes[i]).eval(f);
                        yield undef(l) ? null : (Object) l;
                    }
                    case FLOAT -> {
                        double d = ((FloatNode) argNodes[i]).eval(f);
                        yield undef(d) ? null : (Object) d;
                    }
                    case STRING -> ((StrNode) argNodes[i]).eval(f);
                    default -> ((ObjNode) argNodes[i]).eval(f);
                };
                if (v == null) {
                    return null;
                }
                values[i] = v;
            }
            return mf.call(ov, values);
        };
        return moduleValue(raw, function.overloads().get(overload).result(), describe(call.function()));
    }

    private static String describe(Expr e) {
        return switch (e) {
            case Ast.Identifier id -> id.name();
            case Ast.Member m -> describe(m.object()) + "." + m.field();
            case Ast.Index ix -> describe(ix.object()) + "[]";
            case Ast.Call c -> describe(c.function()) + "()";
            default -> "";
        };
    }

    // ---- operators ----------------------------------------------------------------------------------------------

    private X unary(Ast.Unary u) {
        X x = compile(u.operand());
        line = u.line();
        switch (u.op()) {
            case "not": {
                IntNode n = toBool(x, true);
                return X.of(T.BOOL, (IntNode) f -> {
                    long v = n.eval(f);
                    return undef(v) ? UNDEF : (v == 0 ? 1 : 0);
                });
            }
            case "defined": {
                IntNode n = toBool(x, true);
                return X.of(T.BOOL, (IntNode) f -> undef(n.eval(f)) ? 0 : 1);
            }
            case "-": {
                if (x.t() == T.INT) {
                    IntNode n = intNode(x);
                    long c = undef(x.constant()) ? UNDEF : -x.constant();
                    return new X(T.INT, (IntNode) f -> {
                        long v = n.eval(f);
                        return undef(v) ? UNDEF : -v;
                    }, null, c, null, null);
                }
                if (x.t() == T.FLOAT) {
                    FloatNode n = (FloatNode) x.node();
                    return X.of(T.FLOAT, (FloatNode) f -> {
                        double v = n.eval(f);
                        return undef(v) ? UNDEF_D : -v;
                    });
                }
                throw error("wrong type \"" + typeName(x.t()) + "\" for - operator");
            }
            default: { // "~"
                requireType(x, T.INT, "~");
                IntNode n = intNode(x);
                long c = undef(x.constant()) ? UNDEF : ~x.constant();
                return new X(T.INT, (IntNode) f -> {
                    long v = n.eval(f);
                    return undef(v) ? UNDEF : ~v;
                }, null, c, null, null);
            }
        }
    }

    private X binary(Ast.Binary b) {
        String op = b.op();
        if (op.equals("or")) {
            X chain = equalityChain(b);
            if (chain != null) {
                return chain;
            }
        }
        if (op.equals("and") || op.equals("or")) {
            IntNode l = toBool(compile(b.left()), true);
            IntNode r = toBool(compile(b.right()), true);
            if (andSpine != null && andSpine.contains(b)) {
                if (!andSpine.contains(b.left()) && stringFree(b.left())) {
                    guardParts.add(l);
                }
                if (!andSpine.contains(b.right()) && stringFree(b.right())) {
                    guardParts.add(r);
                }
                noteRequired(b.left());
                noteRequired(b.right());
            }
            if (op.equals("and")) {
                return X.of(T.BOOL, folded(f -> {
                    long a = l.eval(f);
                    if (a == 0) {
                        return 0;
                    }
                    long c = r.eval(f);
                    return !undef(a) && !undef(c) && c != 0 ? 1 : 0;
                }, l, r));
            }
            return X.of(T.BOOL, folded(f -> {
                long a = l.eval(f);
                if (a != 0 && !undef(a)) {
                    return 1;
                }
                long c = r.eval(f);
                return !undef(c) && c != 0 ? 1 : 0;
            }, l, r));
        }
        X l = compile(b.left());
        X r = compile(b.right());
        line = b.line();
        return switch (op) {
            case "+", "-", "*", "\\" -> arithmetic(op, l, r);
            case "%" -> modulo(l, r);
            case "&", "|", "^", "<<", ">>" -> bitwise(op, l, r);
            case "==", "!=", "<", "<=", ">", ">=" -> compare(op, l, r);
            case "matches" -> matches(l, r);
            default -> stringOp(op, l, r);
        };
    }

    /** Chains shorter than this stay comparisons: a set look-up pays off only over many. */
    private static final int MIN_CHAIN = 8;

    /**
     * {@code f() == "a" or f() == "b" or ...} over one argument-less module function (rule sets test
     * {@code pe.imphash()} against hundreds of values this way) as one look-up in a set of the texts: the function is
     * called once instead of once per comparison. Same value: an {@code or} is 1 or 0 (never undefined), and it is 1
     * exactly when the function's value, defined, equals one of the texts. Null when the expression is not such a
     * chain (then it compiles as written).
     */
    private X equalityChain(Ast.Binary b) {
        List<Expr> operands = new ArrayList<>();
        flattenOr(b, operands);
        if (operands.size() < MIN_CHAIN) {
            return null;
        }
        Expr function = null;
        java.util.Set<String> texts = new java.util.HashSet<>();
        for (Expr e : operands) {
            if (!(e instanceof Ast.Binary cmp) || !cmp.op().equals("==")) {
                return null;
            }
            Expr call = cmp.right() instanceof Ast.TextLit ? cmp.left() : cmp.left() instanceof Ast.TextLit
                    ? cmp.right() : null;
            if (call == null || !isPureModuleCall(call) || (function != null && !sameCall(function, call))) {
                return null;
            }
            Ast.TextLit text = (Ast.TextLit) (call == cmp.left() ? cmp.right() : cmp.left());
            function = call;
            texts.add(new String(text.value(), java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        // compiled once per operand, as written, so that errors and warnings are the same
        X first = null;
        for (Expr e : operands) {
            Ast.Binary cmp = (Ast.Binary) e;
            X x = compile(cmp.left() instanceof Ast.TextLit ? cmp.right() : cmp.left());
            if (x.t() != T.STRING) {
                return null; // a type error: the comparisons report it
            }
            first = first == null ? x : first;
        }
        StrNode value = (StrNode) first.node();
        java.util.Set<String> set = java.util.Set.copyOf(texts);
        return X.of(T.BOOL, folded(f -> {
            byte[] v = value.eval(f);
            return v != null && set.contains(new String(v, java.nio.charset.StandardCharsets.ISO_8859_1)) ? 1 : 0;
        }, value));
    }

    private static void flattenOr(Expr e, List<Expr> out) {
        if (e instanceof Ast.Binary b && b.op().equals("or")) {
            flattenOr(b.left(), out);
            flattenOr(b.right(), out);
        } else {
            out.add(e);
        }
    }

    /** {@code module.function()} with no arguments, of any module but console (whose functions print). */
    private static boolean isPureModuleCall(Expr e) {
        return e instanceof Ast.Call c && c.arguments().isEmpty() && c.function() instanceof Ast.Member m
                && m.object() instanceof Ast.Identifier id && !id.name().equals("console");
    }

    private static boolean sameCall(Expr a, Expr b) {
        Ast.Member x = (Ast.Member) ((Ast.Call) a).function();
        Ast.Member y = (Ast.Member) ((Ast.Call) b).function();
        return x.field().equals(y.field())
                && ((Ast.Identifier) x.object()).name().equals(((Ast.Identifier) y.object()).name());
    }

    private X arithmetic(String op, X l, X r) {
        boolean numeric = (l.t() == T.INT || l.t() == T.FLOAT) && (r.t() == T.INT || r.t() == T.FLOAT);
        if (!numeric) {
            if (l.t() == T.STRING && r.t() == T.STRING) {
                throw error("strings don't support \"" + op + "\" operation");
            }
            throw error("type mismatch");
        }
        if (l.t() == T.INT && r.t() == T.INT) {
            long a = l.constant();
            long c = r.constant();
            long folded = UNDEF;
            if (!undef(a) && !undef(c)) {
                // YARA 4.5.2's own overflow tests, including their blind spot for |INT64_MIN|.
                boolean overflow = switch (op) {
                    case "+" -> (c > 0 && a > Long.MAX_VALUE - c) || (c < 0 && a < Long.MIN_VALUE - c);
                    case "-" -> (c < 0 && a > Long.MAX_VALUE + c) || (c > 0 && a < Long.MIN_VALUE + c);
                    case "*" -> c != 0 && Math.abs(a) > Long.MAX_VALUE / Math.abs(c);
                    default -> {
                        if (c == 0) {
                            throw error("division by zero");
                        }
                        // 4.5.2 dies of SIGFPE here; refusing is the only sane equivalent.
                        yield a == Long.MIN_VALUE && c == -1;
                    }
                };
                if (overflow) {
                    throw error("integer overflow in \"" + a + " " + op + " " + c + "\"");
                }
                folded = switch (op) {
                    case "+" -> a + c;
                    case "-" -> a - c;
                    case "*" -> a * c;
                    default -> a / c;
                };
            } else if (op.equals("\\") && c == 0) {
                throw error("division by zero");
            }
            IntNode x = intNode(l);
            IntNode y = intNode(r);
            IntNode node = switch (op) {
                case "+" -> f -> {
                    long p = x.eval(f);
                    long q = y.eval(f);
                    return undef(p) || undef(q) ? UNDEF : p + q;
                };
                case "-" -> f -> {
                    long p = x.eval(f);
                    long q = y.eval(f);
                    return undef(p) || undef(q) ? UNDEF : p - q;
                };
                case "*" -> f -> {
                    long p = x.eval(f);
                    long q = y.eval(f);
                    return undef(p) || undef(q) ? UNDEF : p * q;
                };
                default -> f -> {
                    long p = x.eval(f);
                    long q = y.eval(f);
                    if (undef(p) || undef(q) || q == 0 || (p == Long.MIN_VALUE && q == -1)) {
                        return UNDEF;
                    }
                    return p / q;
                };
            };
            return new X(T.INT, node, null, folded, null, null);
        }
        FloatNode x = toFloat(l);
        FloatNode y = toFloat(r);
        FloatNode node = switch (op) {
            case "+" -> f -> {
                double p = x.eval(f);
                double q = y.eval(f);
                return undef(p) || undef(q) ? UNDEF_D : p + q;
            };
            case "-" -> f -> {
                double p = x.eval(f);
                double q = y.eval(f);
                return undef(p) || undef(q) ? UNDEF_D : p - q;
            };
            case "*" -> f -> {
                double p = x.eval(f);
                double q = y.eval(f);
                return undef(p) || undef(q) ? UNDEF_D : p * q;
            };
            default -> f -> {
                double p = x.eval(f);
                double q = y.eval(f);
                return undef(p) || undef(q) || q == 0 ? UNDEF_D : p / q;
            };
        };
        return X.of(T.FLOAT, node);
    }

    private X modulo(X l, X r) {
        requireType(l, T.INT, "%");
        requireType(r, T.INT, "%");
        if (r.constant() == 0) {
            throw error("division by zero");
        }
        long folded = fold(l.constant(), r.constant(), (a, c) -> c == -1 ? 0 : a % c);
        IntNode x = intNode(l);
        IntNode y = intNode(r);
        return new X(T.INT, (IntNode) f -> {
            long p = x.eval(f);
            long q = y.eval(f);
            if (undef(p) || undef(q) || q == 0 || (p == Long.MIN_VALUE && q == -1)) {
                return UNDEF;
            }
            return p % q;
        }, null, folded, null, null);
    }

    private X bitwise(String op, X l, X r) {
        requireType(l, T.INT, op.equals("&") ? "^" : op);
        requireType(r, T.INT, op.equals("&") ? "^" : op);
        IntNode x = intNode(l);
        IntNode y = intNode(r);
        long a = l.constant();
        long c = r.constant();
        if ((op.equals("<<") || op.equals(">>")) && !undef(c) && c < 0) {
            throw error("");
        }
        long folded = switch (op) {
            case "&" -> fold(a, c, (p, q) -> p & q);
            case "|" -> fold(a, c, (p, q) -> p | q);
            case "^" -> fold(a, c, (p, q) -> p ^ q);
            case "<<" -> fold(a, c, (p, q) -> q >= 64 ? 0 : p << q);
            default -> fold(a, c, (p, q) -> q >= 64 ? 0 : p >> q);
        };
        IntNode node = switch (op) {
            case "&" -> f -> {
                long p = x.eval(f);
                long q = y.eval(f);
                return undef(p) || undef(q) ? UNDEF : p & q;
            };
            case "|" -> f -> {
                long p = x.eval(f);
                long q = y.eval(f);
                return undef(p) || undef(q) ? UNDEF : p | q;
            };
            case "^" -> f -> {
                long p = x.eval(f);
                long q = y.eval(f);
                return undef(p) || undef(q) ? UNDEF : p ^ q;
            };
            case "<<" -> f -> {
                long p = x.eval(f);
                long q = y.eval(f);
                return undef(p) || undef(q) || q < 0 ? UNDEF : (q >= 64 ? 0 : p << q);
            };
            default -> f -> {
                long p = x.eval(f);
                long q = y.eval(f);
                return undef(p) || undef(q) || q < 0 ? UNDEF : (q >= 64 ? 0 : p >> q);
            };
        };
        return new X(T.INT, node, null, folded, null, null);
    }

    private X compare(String op, X l, X r) {
        int code = switch (op) {
            case "==" -> 0;
            case "!=" -> 1;
            case "<" -> 2;
            case "<=" -> 3;
            case ">" -> 4;
            default -> 5;
        };
        if (l.t() == T.INT && r.t() == T.INT) {
            IntNode x = intNode(l);
            IntNode y = intNode(r);
            return X.of(T.BOOL, folded(f -> {
                long p = x.eval(f);
                long q = y.eval(f);
                if (undef(p) || undef(q)) {
                    return UNDEF;
                }
                return test(code, Long.compare(p, q)) ? 1 : 0;
            }, x, y));
        }
        if ((l.t() == T.INT || l.t() == T.FLOAT) && (r.t() == T.INT || r.t() == T.FLOAT)) {
            FloatNode x = toFloat(l);
            FloatNode y = toFloat(r);
            return X.of(T.BOOL, (IntNode) f -> {
                double p = x.eval(f);
                double q = y.eval(f);
                if (undef(p) || undef(q)) {
                    return UNDEF;
                }
                boolean res = switch (code) {
                    case 0 -> p == q;
                    case 1 -> p != q;
                    case 2 -> p < q;
                    case 3 -> p <= q;
                    case 4 -> p > q;
                    default -> p >= q;
                };
                return res ? 1 : 0;
            });
        }
        if (l.t() == T.STRING && r.t() == T.STRING) {
            StrNode x = (StrNode) l.node();
            StrNode y = (StrNode) r.node();
            return X.of(T.BOOL, folded(f -> {
                byte[] p = x.eval(f);
                byte[] q = y.eval(f);
                if (p == null || q == null) {
                    return UNDEF;
                }
                return test(code, Arrays.compareUnsigned(p, q)) ? 1 : 0;
            }, x, y));
        }
        throw error("type mismatch");
    }

    private static boolean test(int code, int cmp) {
        return switch (code) {
            case 0 -> cmp == 0;
            case 1 -> cmp != 0;
            case 2 -> cmp < 0;
            case 3 -> cmp <= 0;
            case 4 -> cmp > 0;
            default -> cmp >= 0;
        };
    }

    private X matches(X l, X r) {
        requireType(l, T.STRING, "matches");
        requireType(r, T.REGEX, "matches");
        StrNode s = (StrNode) l.node();
        ObjNode re = (ObjNode) r.node();
        return X.of(T.BOOL, folded(f -> {
            byte[] v = s.eval(f);
            Object regex = re.eval(f);
            if (v == null || regex == null) {
                return UNDEF;
            }
            return ((YaraRegex) regex).find(v) ? 1 : 0;
        }, s, re));
    }

    private X stringOp(String op, X l, X r) {
        requireType(l, T.STRING, op);
        requireType(r, T.STRING, op);
        StrNode x = (StrNode) l.node();
        StrNode y = (StrNode) r.node();
        boolean fold = op.startsWith("i");
        String base = fold ? op.substring(1) : op;
        int kind = switch (base) {
            case "contains" -> 0;
            case "startswith" -> 1;
            case "endswith" -> 2;
            default -> 3; // equals
        };
        return X.of(T.BOOL, folded(f -> {
            byte[] p = x.eval(f);
            byte[] q = y.eval(f);
            if (p == null || q == null) {
                return UNDEF;
            }
            boolean res = switch (kind) {
                case 0 -> indexOf(p, q, fold) >= 0;
                case 1 -> q.length <= p.length && regionEquals(p, 0, q, fold);
                case 2 -> q.length <= p.length && regionEquals(p, p.length - q.length, q, fold);
                default -> p.length == q.length && regionEquals(p, 0, q, fold);
            };
            return res ? 1 : 0;
        }, x, y));
    }

    private static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + 32 : b;
    }

    private static boolean regionEquals(byte[] hay, int at, byte[] needle, boolean fold) {
        for (int i = 0; i < needle.length; i++) {
            int a = hay[at + i] & 0xff;
            int b = needle[i] & 0xff;
            if (fold ? lower(a) != lower(b) : a != b) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] hay, byte[] needle, boolean fold) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (regionEquals(hay, i, needle, fold)) {
                return i;
            }
        }
        return -1;
    }

    // ---- quantified expressions ---------------------------------------------------------------------------------

    /** The quantifier's runtime value as YARA pushes it: UNDEF for all, 1 any, 0 none, else the count. */
    private IntNode quantifier(Ast.Quantifier q, int setSize, boolean inFor) {
        return quantifier(q, setSize, inFor, q.line());
    }

    /** {@code alwaysFalseLine}: the line of the "expression always false" warning (see {@link #of}). */
    private IntNode quantifier(Ast.Quantifier q, int setSize, boolean inFor, int alwaysFalseLine) {
        line = q.line();
        switch (q.kind()) {
            case ALL:
                return f -> UNDEF;
            case ANY:
                return f -> 1;
            case NONE:
                return f -> 0;
            default:
                break;
        }
        X n = compile(q.count());
        line = q.line();
        if (q.kind() == Ast.Quantifier.Kind.PERCENT) {
            requireType(n, T.INT, "%");
            if (!undef(n.constant()) && (n.constant() < 1 || n.constant() > 100)) {
                throw error("percentage must be between 1 and 100 (inclusive)");
            }
            return intNode(n);
        }
        switch (n.t()) {
            case INT -> {
                if (!undef(n.constant())) {
                    if (n.constant() == 0) {
                        warn("consider using \"none\" keyword, it is less ambiguous.");
                    }
                    if (n.constant() < 0) {
                        throw error("invalid value in condition: \"" + n.constant() + "\"");
                    }
                }
            }
            case FLOAT -> throw error("invalid value in condition: \"" + Double.toHexString(0.0) + "\"");
            case STRING -> throw error("invalid value in condition: \""
                    + (n.literal() == null ? "string in for_expression is invalid" : latin1(n.literal())) + "\"");
            case REGEX -> throw error("invalid value in condition: \"regexp in for_expression is invalid\"");
            default -> {
                // YARA accepts a boolean here and uses its value as the count.
            }
        }
        if (n.t() == T.INT && !undef(n.constant()) && n.constant() > setSize && setSize >= 0) {
            state.warn(rule.file(), alwaysFalseLine,
                    "expression always false - requesting " + n.constant() + " of " + setSize + ".", rule.name());
        }
        return toBool(n, false);
    }

    private X of(Ast.Of of) {
        if (of.rules()) {
            int[] rules = ruleSet(of.items());
            IntNode q = quantifier(of.quantifier(), rules.length, false);
            boolean percent = of.quantifier().kind() == Ast.Quantifier.Kind.PERCENT;
            return X.of(T.BOOL, (IntNode) f -> {
                long found = 0;
                for (int r : rules) {
                    found += f.ruleResults[r];
                }
                return quantify(q.eval(f), found, rules.length, percent);
            });
        }
        int[] strings = stringSet(of.items(), false);
        // yara warns of a count above the set's size on the line of the token after "N of (...)" or "N of (...) at
        // E" (YaraOptionsComparisonTest, warns_of.yar); for "in (...)" ranges and rule sets spread over lines its
        // line is elsewhere again (docs/yara.md), and the quantifier's line stands for it
        IntNode q = quantifier(of.quantifier(), strings.length, false,
                of.in() != null ? of.quantifier().line() : of.line());
        boolean percent = of.quantifier().kind() == Ast.Quantifier.Kind.PERCENT;
        if (of.at() != null) {
            X at = compile(of.at());
            line = of.line();
            if (at.t() != T.INT) {
                throw error("invalid value in condition: \"at expression must be an integer\"");
            }
            Ast.Quantifier.Kind k = of.quantifier().kind();
            if ((k == Ast.Quantifier.Kind.COUNT && of.quantifier().count() instanceof Ast.IntLit lit
                    && lit.value() > 1) || (k == Ast.Quantifier.Kind.ALL && strings.length > 1)) {
                warn("multiple strings at an offset is usually false.");
            }
            IntNode a = intNode(at);
            return X.of(T.BOOL, (IntNode) f -> {
                long pos = a.eval(f);
                if (undef(pos)) {
                    return UNDEF;
                }
                long found = 0;
                for (int s : strings) {
                    if (firstAtOrAfter(f.ctx.matches(s), pos) == pos) {
                        found++;
                    }
                }
                return quantify(q.eval(f), found, strings.length, percent);
            });
        }
        if (of.in() != null) {
            IntNode[] r = range(of.in());
            return X.of(T.BOOL, (IntNode) f -> {
                long lo = r[0].eval(f);
                long hi = r[1].eval(f);
                if (undef(lo) || undef(hi)) {
                    return UNDEF;
                }
                long found = 0;
                for (int s : strings) {
                    long first = firstAtOrAfter(f.ctx.matches(s), lo);
                    if (first != Long.MIN_VALUE && first <= hi) {
                        found++;
                    }
                }
                return quantify(q.eval(f), found, strings.length, percent);
            });
        }
        return X.of(T.BOOL, (IntNode) f -> {
            long found = 0;
            for (int s : strings) {
                if (f.ctx.matches(s).count() > 0) {
                    found++;
                }
            }
            return quantify(q.eval(f), found, strings.length, percent);
        });
    }

    private static long quantify(long n, long found, long count, boolean percent) {
        if (percent) {
            if (undef(n) || count == 0) {
                return UNDEF;
            }
            return ((double) found / count) * 100 >= n ? 1 : 0;
        }
        if (undef(n)) {
            return found >= count ? 1 : 0;
        }
        if (n == 0) {
            return found == 0 ? 1 : 0;
        }
        return found >= n ? 1 : 0;
    }

    private int[] ruleSet(List<String> items) {
        Map<String, Integer> names = state.rulesByNamespace.getOrDefault(namespace, Map.of());
        List<Integer> out = new ArrayList<>();
        for (String item : items) {
            if (item.endsWith("*")) {
                String prefix = item.substring(0, item.length() - 1);
                state.wildcardsByNamespace.computeIfAbsent(namespace, k -> new java.util.HashSet<>()).add(prefix);
                List<Integer> found = new ArrayList<>();
                for (Map.Entry<String, Integer> e : names.entrySet()) {
                    if (e.getKey().startsWith(prefix)) {
                        found.add(e.getValue());
                    }
                }
                if (found.isEmpty()) {
                    throw error("undefined identifier \"" + item + "\"");
                }
                found.sort(null);
                out.addAll(found);
            } else {
                Integer r = names.get(item);
                if (r == null) {
                    throw error("undefined identifier \"" + item + "\"");
                }
                out.add(r);
            }
        }
        return RuleSetCompiler.ints(out);
    }

    private void enterLoop(int line) {
        this.line = line;
        if (loops.size() == MAX_LOOP_NESTING) {
            throw error("loop nesting limit exceeded");
        }
        loops.add(new ArrayList<>());
    }

    private void exitLoop() {
        List<LoopVar> vars = loops.remove(loops.size() - 1);
        nextSlot -= vars.size();
    }

    private X forOf(Ast.ForOf fo) {
        line = fo.line();
        if (inForOf) {
            throw error("'for <quantifier> of <string set>' loops can't be nested");
        }
        enterLoop(fo.line());
        int[] strings = stringSet(fo.strings(), true);
        IntNode q = quantifier(fo.quantifier(), strings.length, true);
        inForOf = true;
        IntNode body = toBool(compile(fo.body()), true);
        inForOf = false;
        exitLoop();
        return X.of(T.BOOL, (IntNode) f -> {
            long n = q.eval(f);
            int saved = f.currentString;
            Loop loop = new Loop(n);
            try {
                for (int s : strings) {
                    f.currentString = s;
                    if (!loop.step(body.eval(f))) {
                        break;
                    }
                    f.tick();
                }
            } finally {
                f.currentString = saved;
            }
            return loop.result();
        });
    }

    /** YARA's loop bookkeeping: iterations, sum of body values, short-circuit per quantifier. */
    private static final class Loop {
        final long n;
        long iterations;
        long trues;

        Loop(long n) {
            this.n = n;
        }

        /** Records one body value; false when the loop can stop. */
        boolean step(long r) {
            iterations++;
            boolean more;
            if (undef(n)) {
                more = r != 0;
            } else if (n == 0) {
                more = r != 1;
            } else {
                more = trues + r < n;
            }
            if (!undef(r)) {
                trues += r;
            }
            return more;
        }

        long result() {
            if (iterations == 0) {
                return 0;
            }
            if (undef(n)) {
                return trues == iterations ? 1 : 0;
            }
            if (n == 0) {
                return trues == 0 ? 1 : 0;
            }
            return trues >= n ? 1 : 0;
        }
    }

    private X forIn(Ast.ForIn fi) {
        enterLoop(fi.line());
        // Quantifier and iterable are evaluated outside the loop's own variables.
        IntNode q = quantifier(fi.quantifier(), -1, true);
        line = fi.line();
        if (fi.variables().size() > MAX_LOOP_VARS) {
            throw error("too many loop variables");
        }
        for (String v : fi.variables()) {
            for (List<LoopVar> level : loops) {
                for (LoopVar lv : level) {
                    if (lv.name().equals(v)) {
                        throw error("duplicated loop identifier \"" + v + "\"");
                    }
                }
            }
            if (fi.variables().indexOf(v) != fi.variables().lastIndexOf(v)) {
                throw error("duplicated loop identifier \"" + v + "\"");
            }
        }
        List<LoopVar> vars = loops.get(loops.size() - 1);
        int nvars = fi.variables().size();
        Iter iter;
        switch (fi.iterable()) {
            case Ast.RangeIterable ri -> {
                loops.remove(loops.size() - 1);
                IntNode[] r = range(ri.range());
                loops.add(vars);
                requireVars(nvars, 1, null);
                int slot = declare(vars, fi.variables().get(0), T.INT, null);
                iter = (f, loop, body) -> {
                    long lo = r[0].eval(f);
                    long hi = r[1].eval(f);
                    if (undef(lo) || undef(hi)) {
                        return;
                    }
                    for (long i = lo; i <= hi; i++) {
                        f.ints[slot] = i;
                        if (!loop.step(body.eval(f)) || i == Long.MAX_VALUE) {
                            return;
                        }
                        f.tick();
                    }
                };
            }
            case Ast.ListIterable li -> {
                loops.remove(loops.size() - 1);
                List<X> items = new ArrayList<>();
                for (Expr e : li.items()) {
                    X x = compile(e);
                    if (x.t() != T.INT && x.t() != T.STRING) {
                        throw error("wrong type for enumeration item");
                    }
                    if (!items.isEmpty() && items.get(0).t() != x.t()) {
                        throw error("enumerations must be all the same type");
                    }
                    items.add(x);
                }
                loops.add(vars);
                requireVars(nvars, 1, null);
                T t = items.get(0).t();
                int slot = declare(vars, fi.variables().get(0), t, null);
                if (t == T.INT) {
                    IntNode[] nodes = items.stream().map(ConditionCompiler::intNode).toArray(IntNode[]::new);
                    iter = (f, loop, body) -> {
                        long[] values = new long[nodes.length];
                        for (int i = 0; i < nodes.length; i++) {
                            values[i] = nodes[i].eval(f);
                        }
                        for (long v : values) {
                            f.ints[slot] = v;
                            if (!loop.step(body.eval(f))) {
                                return;
                            }
                            f.tick();
                        }
                    };
                } else {
                    StrNode[] nodes = items.stream().map(x -> (StrNode) x.node()).toArray(StrNode[]::new);
                    iter = (f, loop, body) -> {
                        byte[][] values = new byte[nodes.length][];
                        for (int i = 0; i < nodes.length; i++) {
                            values[i] = nodes[i].eval(f);
                        }
                        for (byte[] v : values) {
                            f.objects[slot] = v;
                            if (!loop.step(body.eval(f))) {
                                return;
                            }
                            f.tick();
                        }
                    };
                }
            }
            case Ast.ExprIterable ei -> {
                loops.remove(loops.size() - 1);
                X x = compile(ei.expr());
                loops.add(vars);
                line = fi.line();
                String name = describe(ei.expr());
                if (x.t() == T.OBJECT && x.type() instanceof Type.Array arr) {
                    if (nvars != 1) {
                        throw error("iterator for \"" + name
                                + "\" yields a single item on each iteration, but the loop expects " + nvars);
                    }
                    LoopVar v = declareVar(vars, fi.variables().get(0), arr.element());
                    ObjNode o = (ObjNode) x.node();
                    iter = (f, loop, body) -> {
                        if (!(o.eval(f) instanceof List<?> list)) {
                            return;
                        }
                        for (Object item : list) {
                            store(f, v, item);
                            if (!loop.step(body.eval(f))) {
                                return;
                            }
                            f.tick();
                        }
                    };
                } else if (x.t() == T.OBJECT && x.type() instanceof Type.Dict dict) {
                    if (nvars != 2) {
                        throw error("iterator for \"" + name
                                + "\" yields a key,value pair item on each iteration");
                    }
                    int keySlot = declare(vars, fi.variables().get(0), T.STRING, null);
                    LoopVar v = declareVar(vars, fi.variables().get(1), dict.element());
                    ObjNode o = (ObjNode) x.node();
                    iter = (f, loop, body) -> {
                        if (!(o.eval(f) instanceof Map<?, ?> map)) {
                            return;
                        }
                        for (Map.Entry<?, ?> e : map.entrySet()) {
                            f.objects[keySlot] = e.getKey() instanceof String k
                                    ? k.getBytes(StandardCharsets.ISO_8859_1) : null;
                            store(f, v, e.getValue());
                            if (!loop.step(body.eval(f))) {
                                return;
                            }
                            f.tick();
                        }
                    };
                } else {
                    throw error("identifier \"" + name + "\" is not iterable");
                }
            }
        }
        IntNode body = toBool(compile(fi.body()), true);
        exitLoop();
        Iter it = iter;
        return X.of(T.BOOL, (IntNode) f -> {
            Loop loop = new Loop(q.eval(f));
            it.run(f, loop, body);
            return loop.result();
        });
    }

    private void requireVars(int nvars, int expected, String name) {
        if (nvars != expected) {
            throw error("iterator yields one value on each iteration , but the loop expects " + nvars);
        }
    }

    private int declare(List<LoopVar> vars, String name, T t, Type type) {
        int slot = nextSlot++;
        vars.add(new LoopVar(name, t, type, slot));
        return slot;
    }

    private LoopVar declareVar(List<LoopVar> vars, String name, Type type) {
        T t = type == Type.INTEGER ? T.INT : type == Type.FLOAT ? T.FLOAT : type == Type.STRING ? T.STRING : T.OBJECT;
        int slot = declare(vars, name, t, type);
        return vars.get(vars.size() - 1);
    }

    private static void store(Frame f, LoopVar v, Object value) {
        if (v.t() == T.INT) {
            f.ints[v.slot()] = value instanceof Long l ? l : UNDEF;
        } else {
            f.objects[v.slot()] = value;
        }
    }

    @FunctionalInterface
    private interface Iter {
        void run(Frame f, Loop loop, IntNode body);
    }
}
