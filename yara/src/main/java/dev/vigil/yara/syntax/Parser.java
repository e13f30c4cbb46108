package dev.vigil.yara.syntax;

import dev.vigil.yara.syntax.Ast.Expr;
import dev.vigil.yara.syntax.Token.Kind;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Recursive-descent parser for YARA 4.5 rule files. Items are handed to a consumer as soon as each is parsed, so
 * that the caller's checks run in source order and the first error, syntactic or not, stops the source as in YARA.
 */
public final class Parser {

    static final int MAX_INCLUDE_DEPTH = 16;
    static final int MAX_STRINGS_PER_RULE = 10_000;

    private static final Set<String> COMPARISONS = Set.of("==", "!=", "<", "<=", ">", ">=", "contains", "icontains",
            "startswith", "istartswith", "endswith", "iendswith", "iequals", "matches");

    private final IncludeResolver resolver;
    private final Consumer<Ast.Item> sink;
    private final Deque<String> includeStack = new ArrayDeque<>();

    // Per-source lexing state; replaced while an include is parsed.
    private Lexer lexer;
    private String file;
    private final List<Token> lookahead = new ArrayList<>();

    public Parser(IncludeResolver resolver, Consumer<Ast.Item> sink) {
        this.resolver = resolver;
        this.sink = sink;
    }

    /** Called with each string declaration as soon as it is parsed, with its rule's name. */
    public interface StringCheck {
        void check(String rule, StringDecl decl);
    }

    private StringCheck stringCheck = (rule, decl) -> { };

    /**
     * Checks each string as it is read (compiles it, reports its warnings), so that diagnostics come in yara's order:
     * a string's warning before a later syntax error of its rule. The check may throw {@link CompileError}.
     */
    public Parser onString(StringCheck check) {
        this.stringCheck = check;
        return this;
    }

    /** Parses a whole source; throws {@link CompileError} at the first error (the sink may have thrown it). */
    public void parse(byte[] source, String fileName) {
        includeStack.push(fileName);
        try {
            parseSource(source, fileName);
        } finally {
            includeStack.pop();
        }
    }

    /** Convenience: parses to a list of items. */
    public static Ast.SourceUnit parse(byte[] source, String fileName, IncludeResolver resolver) {
        List<Ast.Item> items = new ArrayList<>();
        new Parser(resolver, items::add).parse(source, fileName);
        return new Ast.SourceUnit(items);
    }

    private void parseSource(byte[] source, String fileName) {
        Lexer savedLexer = lexer;
        String savedFile = file;
        List<Token> savedLookahead = new ArrayList<>(lookahead);
        lexer = new Lexer(source, fileName);
        file = fileName;
        lookahead.clear();
        try {
            while (peek().kind() != Kind.EOF) {
                Token t = peek();
                if (t.is("import")) {
                    next();
                    Token name = expect(Kind.TEXT);
                    String module = name.text();
                    if (module.isEmpty() || module.indexOf('\0') >= 0) {
                        throw new CompileError("invalid module name \"" + cString(module) + "\"", file, name.line());
                    }
                    sink.accept(new Ast.Import(module, file, name.line()));
                } else if (t.kind() == Kind.INCLUDE) {
                    next();
                    include(t);
                } else if (t.is("rule") || t.is("private") || t.is("global")) {
                    sink.accept(rule());
                } else {
                    throw unexpected(t);
                }
            }
        } finally {
            lexer = savedLexer;
            file = savedFile;
            lookahead.clear();
            lookahead.addAll(savedLookahead);
        }
    }

    private static String cString(String s) {
        int nul = s.indexOf('\0');
        return nul >= 0 ? s.substring(0, nul) : s;
    }

    private void include(Token t) {
        // At most 16 files open at once, the including one counted.
        if (includeStack.size() >= MAX_INCLUDE_DEPTH) {
            throw new CompileError("includes depth exceeded", file, t.line());
        }
        IncludeResolver.Source src;
        try {
            src = resolver.resolve(file, t.text());
        } catch (IOException e) {
            throw new CompileError("can't open include file: " + t.text(), file, t.line());
        }
        if (includeStack.contains(src.name())) {
            throw new CompileError("includes circular reference", file, t.line());
        }
        includeStack.push(src.name());
        try {
            parseSource(src.content(), src.name());
        } finally {
            includeStack.pop();
        }
    }

    // ---- tokens -------------------------------------------------------------------------------------------------

    private Token peek() {
        return peek(0);
    }

    private Token peek(int k) {
        while (lookahead.size() <= k) {
            lookahead.add(lexer.next());
        }
        return lookahead.get(k);
    }

    /**
     * The line YARA reports a construct's errors on: bison reduces it once the following token is read, so that
     * token's line (0 at the end of the input).
     */
    private int here() {
        return peek().line();
    }

    private Token next() {
        Token t = peek();
        lookahead.remove(0);
        return t;
    }

    private boolean accept(String spelling) {
        if (peek().is(spelling)) {
            next();
            return true;
        }
        return false;
    }

    private Token expect(String spelling) {
        Token t = peek();
        if (!t.is(spelling)) {
            String expected = Lexer.KEYWORDS.contains(spelling) ? "<" + spelling + ">"
                    : spelling.length() == 1 ? "'" + spelling + "'" : spelling;
            throw new CompileError("syntax error, unexpected " + t.describe() + ", expecting " + expected, file,
                    t.line());
        }
        return next();
    }

    private Token expect(Kind kind) {
        Token t = peek();
        if (t.kind() != kind) {
            throw unexpected(t);
        }
        return next();
    }

    private CompileError unexpected(Token t) {
        return new CompileError("syntax error, unexpected " + t.describe(), file, t.line());
    }

    private CompileError error(String message, int line) {
        return new CompileError(message, file, line);
    }

    // ---- rules --------------------------------------------------------------------------------------------------

    private Ast.Rule rule() {
        boolean isPrivate = false;
        boolean isGlobal = false;
        while (true) {
            if (accept("private")) {
                isPrivate = true;
            } else if (accept("global")) {
                isGlobal = true;
            } else {
                break;
            }
        }
        expect("rule");
        Token name = expect(Kind.IDENTIFIER);
        try {
            return ruleAfterName(name, isPrivate, isGlobal);
        } catch (CompileError e) {
            throw e.inRule(name.text());
        }
    }

    private Ast.Rule ruleAfterName(Token name, boolean isPrivate, boolean isGlobal) {
        List<String> tags = new ArrayList<>();
        if (accept(":")) {
            Set<String> seen = new HashSet<>();
            do {
                Token tag = expect(Kind.IDENTIFIER);
                if (!seen.add(tag.text())) {
                    throw error("duplicated tag identifier \"" + tag.text() + "\"", tag.line());
                }
                tags.add(tag.text());
            } while (peek().kind() == Kind.IDENTIFIER);
        }
        expect("{");
        List<Ast.Meta> metas = new ArrayList<>();
        if (accept("meta")) {
            expect(":");
            do {
                metas.add(meta());
            } while (peek().kind() == Kind.IDENTIFIER);
        }
        List<StringDecl> strings = new ArrayList<>();
        if (accept("strings")) {
            expect(":");
            Set<String> seen = new HashSet<>();
            do {
                StringDecl d = stringDecl();
                if (!d.identifier().equals("$") && !seen.add(d.identifier())) {
                    throw error("duplicated string identifier \"" + d.identifier() + "\"", d.line());
                }
                if (strings.size() == MAX_STRINGS_PER_RULE) {
                    throw error("too many strings in rule \"" + name.text() + "\" (limit: " + MAX_STRINGS_PER_RULE
                            + ")", d.line());
                }
                strings.add(d);
                stringCheck.check(name.text(), d);
            } while (peek().kind() == Kind.STRING_ID);
        }
        expect("condition");
        expect(":");
        Expr condition = expression();
        int endLine = expect("}").line();
        return new Ast.Rule(name.text(), isPrivate, isGlobal, List.copyOf(tags), List.copyOf(metas),
                List.copyOf(strings), condition, file, name.line(), endLine);
    }

    private Ast.Meta meta() {
        Token key = expect(Kind.IDENTIFIER);
        expect("=");
        Token v = next();
        Object value;
        if (v.kind() == Kind.TEXT) {
            value = v.text();
        } else if (v.kind() == Kind.NUMBER) {
            value = v.number();
        } else if (v.is("-") && peek().kind() == Kind.NUMBER) {
            value = -next().number();
        } else if (v.is("true") || v.is("false")) {
            value = v.is("true");
        } else {
            throw unexpected(v);
        }
        return new Ast.Meta(key.text(), value);
    }

    private StringDecl stringDecl() {
        Token id = expect(Kind.STRING_ID);
        expect("=");
        Token value = next();
        return switch (value.kind()) {
            case TEXT -> textString(id, value);
            case REGEX -> regexString(id, value);
            case HEX -> hexString(id, value);
            default -> throw unexpected(value);
        };
    }

    private StringDecl hexString(Token id, Token value) {
        boolean isPrivate = false;
        while (peek().is("private")) {
            Token m = next();
            if (isPrivate) {
                throw error("duplicated modifier", m.line());
            }
            isPrivate = true;
        }
        StringModifiers mods = new StringModifiers(false, true, false, false, isPrivate, false, 0, 0, false, null,
                false, null);
        return new StringDecl(id.text(), StringDecl.Kind.HEX, null, value.text(), false, false, mods, file,
                id.line(), 0);
    }

    private StringDecl regexString(Token id, Token value) {
        boolean nocase = false;
        boolean ascii = false;
        boolean wide = false;
        boolean fullword = false;
        boolean isPrivate = false;
        while (true) {
            Token m = peek();
            String w = m.kind() == Kind.KEYWORD ? m.text() : "";
            boolean dup;
            switch (w) {
                case "nocase" -> { dup = nocase; nocase = true; }
                case "ascii" -> { dup = ascii; ascii = true; }
                case "wide" -> { dup = wide; wide = true; }
                case "fullword" -> { dup = fullword; fullword = true; }
                case "private" -> { dup = isPrivate; isPrivate = true; }
                default -> {
                    StringModifiers mods = new StringModifiers(nocase || value.nocase(), ascii || !wide, wide,
                            fullword, isPrivate, false, 0, 0, false, null, false, null);
                    return new StringDecl(id.text(), StringDecl.Kind.REGEX, null, value.text(), value.nocase(),
                            value.dotAll(), mods, file, id.line(), 0);
                }
            }
            next();
            if (dup) {
                throw error("duplicated modifier", m.line());
            }
        }
    }

    private StringDecl textString(Token id, Token value) {
        boolean nocase = false;
        boolean ascii = false;
        boolean wide = false;
        boolean fullword = false;
        boolean isPrivate = false;
        boolean xor = false;
        int xorMin = 0;
        int xorMax = 0;
        boolean base64 = false;
        boolean base64Wide = false;
        byte[] alphabet = null;
        loop:
        while (true) {
            Token m = peek();
            String w = m.kind() == Kind.KEYWORD ? m.text() : "";
            boolean dup;
            switch (w) {
                case "nocase" -> { dup = nocase; nocase = true; }
                case "ascii" -> { dup = ascii; ascii = true; }
                case "wide" -> { dup = wide; wide = true; }
                case "fullword" -> { dup = fullword; fullword = true; }
                case "private" -> { dup = isPrivate; isPrivate = true; }
                case "xor" -> {
                    next();
                    int[] range = xorRange();
                    if (xor) {
                        throw error("duplicated modifier", m.line());
                    }
                    xor = true;
                    xorMin = range[0];
                    xorMax = range[1];
                    continue;
                }
                case "base64", "base64wide" -> {
                    next();
                    byte[] a = null;
                    if (accept("(")) {
                        Token t = expect(Kind.TEXT);
                        expect(")");
                        if (t.bytes().length != 64) {
                            throw error("length of base64 alphabet must be 64", t.line());
                        }
                        a = t.bytes();
                    }
                    if (a != null) {
                        if (alphabet != null && !Arrays.equals(alphabet, a)) {
                            throw error("can not specify multiple alphabets", m.line());
                        }
                        alphabet = a;
                    }
                    boolean isWide = w.equals("base64wide");
                    if (isWide ? base64Wide : base64) {
                        throw error("duplicated modifier", m.line());
                    }
                    if (isWide) {
                        base64Wide = true;
                    } else {
                        base64 = true;
                    }
                    continue;
                }
                default -> {
                    break loop;
                }
            }
            next();
            if (dup) {
                throw error("duplicated modifier", m.line());
            }
        }
        if (value.bytes().length == 0) {
            throw error("empty string \"" + id.text() + "\"", id.line());
        }
        String combination = null;
        if (xor && nocase) {
            combination = "xor nocase";
        } else if (nocase && (base64 || base64Wide)) {
            combination = (base64 ? "base64" : "base64wide") + " nocase";
        } else if (fullword && (base64 || base64Wide)) {
            combination = (base64 ? "base64" : "base64wide") + " fullword";
        } else if (xor && (base64 || base64Wide)) {
            combination = (base64 ? "base64" : "base64wide") + " xor";
        }
        if (combination != null) {
            throw error("invalid modifier combination: " + combination, id.line());
        }
        StringModifiers mods = new StringModifiers(nocase, ascii || !wide, wide, fullword, isPrivate, xor, xorMin,
                xorMax, base64, base64 ? alphabet : null, base64Wide, base64Wide ? alphabet : null);
        return new StringDecl(id.text(), StringDecl.Kind.TEXT, value.bytes(), null, false, false, mods, file,
                id.line(), 0);
    }

    private int[] xorRange() {
        if (!accept("(")) {
            return new int[] {0, 255};
        }
        Token lo = expect(Kind.NUMBER);
        if (accept(")")) {
            if (lo.number() < 0 || lo.number() > 255) {
                throw error("invalid xor range", lo.line());
            }
            return new int[] {(int) lo.number(), (int) lo.number()};
        }
        expect("-");
        Token hi = expect(Kind.NUMBER);
        expect(")");
        String problem = null;
        if (lo.number() < 0) {
            problem = "lower bound for xor range exceeded (min: 0)";
        }
        if (hi.number() > 255) {
            problem = "upper bound for xor range exceeded (max: 255)";
        }
        if (lo.number() > hi.number()) {
            problem = "xor lower bound exceeds upper bound";
        }
        if (problem != null) {
            throw error(problem, lo.line());
        }
        return new int[] {(int) lo.number(), (int) hi.number()};
    }

    // ---- expressions --------------------------------------------------------------------------------------------

    private Expr expression() {
        Expr left = andExpr();
        while (peek().is("or")) {
            int line = next().line();
            left = new Ast.Binary("or", left, andExpr(), here());
        }
        return left;
    }

    private Expr andExpr() {
        Expr left = notExpr();
        while (peek().is("and")) {
            int line = next().line();
            left = new Ast.Binary("and", left, notExpr(), here());
        }
        return left;
    }

    private Expr notExpr() {
        Token t = peek();
        if (t.is("not") || t.is("defined")) {
            next();
            return new Ast.Unary(t.text(), notExpr(), here());
        }
        return comparison();
    }

    private Expr comparison() {
        Token t = peek();
        if (t.is("for")) {
            return forExpr();
        }
        if (t.is("all") || t.is("any") || t.is("none")) {
            next();
            Ast.Quantifier q = new Ast.Quantifier(Ast.Quantifier.Kind.valueOf(t.text().toUpperCase(java.util.Locale.ROOT)),
                    null, t.line());
            expect("of");
            return ofExpr(q);
        }
        Expr left = primaryExpr();
        Token op = peek();
        if (op.is("of")) {
            next();
            return ofExpr(new Ast.Quantifier(Ast.Quantifier.Kind.COUNT, left, left.line()));
        }
        if (op.is("%") && peek(1).is("of")) {
            next();
            next();
            return ofExpr(new Ast.Quantifier(Ast.Quantifier.Kind.PERCENT, left, left.line()));
        }
        if ((op.kind() == Kind.KEYWORD || op.kind() == Kind.PUNCT) && COMPARISONS.contains(op.text())) {
            next();
            return new Ast.Binary(op.text(), left, primaryExpr(), here());
        }
        return left;
    }

    private Expr ofExpr(Ast.Quantifier q) {
        int line = q.line();
        if (accept("them")) {
            return ofTail(q, List.of("$*"), false, line);
        }
        expect("(");
        Token first = peek();
        List<String> items = new ArrayList<>();
        if (first.kind() == Kind.IDENTIFIER) {
            do {
                Token id = expect(Kind.IDENTIFIER);
                items.add(accept("*") ? id.text() + "*" : id.text());
            } while (accept(","));
            expect(")");
            return new Ast.Of(q, List.copyOf(items), true, null, null, here());
        }
        items = stringEnumeration();
        return ofTail(q, items, false, line);
    }

    /** After "(": string identifiers, with or without wildcard, up to and including ")". */
    private List<String> stringEnumeration() {
        List<String> items = new ArrayList<>();
        do {
            Token id = next();
            if (id.kind() != Kind.STRING_ID && id.kind() != Kind.STRING_ID_WILDCARD) {
                throw unexpected(id);
            }
            items.add(id.text());
        } while (accept(","));
        expect(")");
        return List.copyOf(items);
    }

    private Expr ofTail(Ast.Quantifier q, List<String> items, boolean rules, int line) {
        if (accept("at")) {
            return new Ast.Of(q, items, rules, primaryExpr(), null, here());
        }
        if (accept("in")) {
            return new Ast.Of(q, items, rules, null, range(), here());
        }
        return new Ast.Of(q, items, rules, null, null, here());
    }

    private Expr forExpr() {
        int line = expect("for").line();
        Token t = peek();
        Ast.Quantifier q;
        if (t.is("all") || t.is("any") || t.is("none")) {
            next();
            q = new Ast.Quantifier(Ast.Quantifier.Kind.valueOf(t.text().toUpperCase(java.util.Locale.ROOT)), null,
                    t.line());
        } else {
            Expr n = primaryExpr();
            q = new Ast.Quantifier(Ast.Quantifier.Kind.COUNT, n, n.line());
        }
        if (accept("of")) {
            List<String> strings;
            if (accept("them")) {
                strings = List.of("$*");
            } else {
                expect("(");
                strings = stringEnumeration();
            }
            expect(":");
            expect("(");
            Expr body = expression();
            expect(")");
            return new Ast.ForOf(q, strings, body, here());
        }
        List<String> vars = new ArrayList<>();
        do {
            vars.add(expect(Kind.IDENTIFIER).text());
        } while (accept(","));
        expect("in");
        Ast.Iterable iterable;
        if (peek().is("(")) {
            int l = next().line();
            Expr first = primaryExpr();
            if (accept("..")) {
                Expr high = primaryExpr();
                expect(")");
                iterable = new Ast.RangeIterable(new Ast.Range(first, high, l));
            } else {
                List<Expr> items = new ArrayList<>();
                items.add(first);
                while (accept(",")) {
                    items.add(primaryExpr());
                }
                expect(")");
                iterable = new Ast.ListIterable(List.copyOf(items));
            }
        } else {
            iterable = new Ast.ExprIterable(identifierChain(expect(Kind.IDENTIFIER)));
        }
        expect(":");
        expect("(");
        Expr body = expression();
        expect(")");
        return new Ast.ForIn(q, List.copyOf(vars), iterable, body, here());
    }

    private Ast.Range range() {
        int line = expect("(").line();
        Expr low = primaryExpr();
        expect("..");
        Expr high = primaryExpr();
        expect(")");
        return new Ast.Range(low, high, here());
    }

    /** YARA's primary_expression: arithmetic and bitwise operators over operands. */
    private Expr primaryExpr() {
        return bitOr();
    }

    private Expr bitOr() {
        Expr left = bitXor();
        while (peek().is("|")) {
            int line = next().line();
            left = new Ast.Binary("|", left, bitXor(), here());
        }
        return left;
    }

    private Expr bitXor() {
        Expr left = bitAnd();
        while (peek().is("^")) {
            int line = next().line();
            left = new Ast.Binary("^", left, bitAnd(), here());
        }
        return left;
    }

    private Expr bitAnd() {
        Expr left = shift();
        while (peek().is("&")) {
            int line = next().line();
            left = new Ast.Binary("&", left, shift(), here());
        }
        return left;
    }

    private Expr shift() {
        Expr left = additive();
        while (peek().is("<<") || peek().is(">>")) {
            Token op = next();
            left = new Ast.Binary(op.text(), left, additive(), here());
        }
        return left;
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (peek().is("+") || peek().is("-")) {
            Token op = next();
            left = new Ast.Binary(op.text(), left, multiplicative(), here());
        }
        return left;
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (peek().is("*") || peek().is("\\") || (peek().is("%") && !peek(1).is("of"))) {
            Token op = next();
            left = new Ast.Binary(op.text(), left, unary(), here());
        }
        return left;
    }

    private Expr unary() {
        Token t = peek();
        if (t.is("-") || t.is("~")) {
            next();
            return new Ast.Unary(t.text(), unary(), here());
        }
        return atom();
    }

    private Expr atom() {
        Token t = next();
        int line = t.line();
        switch (t.kind()) {
            case NUMBER:
                return new Ast.IntLit(t.number(), here());
            case DOUBLE:
                return new Ast.FloatLit(t.real(), here());
            case TEXT:
                return new Ast.TextLit(t.bytes(), here());
            case REGEX:
                return new Ast.RegexLit(t.text(), t.nocase(), t.dotAll(), here());
            case INT_FUNCTION: {
                expect("(");
                Expr offset = primaryExpr();
                expect(")");
                return new Ast.IntRead(t.text(), offset, here());
            }
            case STRING_ID:
                if (accept("at")) {
                    return new Ast.StringMatch(t.text(), primaryExpr(), null, here());
                }
                if (peek().is("in")) {
                    next();
                    return new Ast.StringMatch(t.text(), null, range(), here());
                }
                return new Ast.StringMatch(t.text(), null, null, here());
            case STRING_COUNT: {
                String id = "$" + t.text().substring(1);
                if (accept("in")) {
                    return new Ast.StringCount(id, range(), here());
                }
                return new Ast.StringCount(id, null, here());
            }
            case STRING_OFFSET:
            case STRING_LENGTH: {
                String id = "$" + t.text().substring(1);
                Expr index = null;
                if (accept("[")) {
                    index = primaryExpr();
                    expect("]");
                }
                return new Ast.StringOffset(id, index, t.kind() == Kind.STRING_LENGTH, here());
            }
            case IDENTIFIER:
                return identifierChain(t);
            case KEYWORD:
                switch (t.text()) {
                    case "true":
                        return new Ast.BoolLit(true, here());
                    case "false":
                        return new Ast.BoolLit(false, here());
                    case "filesize":
                        return new Ast.Filesize(here());
                    case "entrypoint":
                        return new Ast.Entrypoint(here());
                    default:
                        throw unexpected(t);
                }
            case PUNCT:
                if (t.is("(")) {
                    Expr inner = expression();
                    expect(")");
                    return inner;
                }
                throw unexpected(t);
            default:
                throw unexpected(t);
        }
    }

    /** Identifiers are checked without reading ahead in YARA, so these nodes carry their own last token's line. */
    private Expr identifierChain(Token first) {
        Expr e = new Ast.Identifier(first.text(), first.line());
        while (true) {
            Token t = peek();
            if (t.is(".")) {
                next();
                Token field = expect(Kind.IDENTIFIER);
                e = new Ast.Member(e, field.text(), field.line());
            } else if (t.is("[")) {
                next();
                Expr index = primaryExpr();
                e = new Ast.Index(e, index, expect("]").line());
            } else if (t.is("(")) {
                next();
                List<Expr> args = new ArrayList<>();
                if (!peek().is(")")) {
                    do {
                        args.add(expression());
                    } while (accept(","));
                }
                e = new Ast.Call(e, List.copyOf(args), expect(")").line());
            } else {
                return e;
            }
        }
    }
}
