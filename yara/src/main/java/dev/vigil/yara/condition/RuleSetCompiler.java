package dev.vigil.yara.condition;

import dev.vigil.yara.Diagnostic;
import dev.vigil.yara.modules.Modules;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.syntax.Ast;
import dev.vigil.yara.syntax.CompileError;
import dev.vigil.yara.syntax.IncludeResolver;
import dev.vigil.yara.syntax.Parser;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles YARA sources into a {@link CompiledRuleSet}: parses, resolves names, checks types as YARA 4.5 does and
 * builds the evaluation nodes. Sources compile in order into one rule set; each has a namespace.
 */
public final class RuleSetCompiler {

    /** One rule source. {@code fileName} names it in diagnostics and anchors relative includes. */
    public record Source(String namespace, String fileName, byte[] content) {
    }

    /**
     * Where includes come from, which modules exist, what checks each string as it is parsed (returning its
     * warnings, throwing {@link CompileError} for an invalid one), and whether unknown regex escapes warn.
     */
    public record Options(IncludeResolver includes, Map<String, YaraModule> modules, StringChecker strings,
                          boolean strictEscape) {
        public Options(IncludeResolver includes, Map<String, YaraModule> modules) {
            this(includes, modules, decl -> List.of(), false);
        }

        public static Options defaults() {
            return new Options(IncludeResolver.fileSystem(), Modules.builtIn());
        }

        public Options withStrings(StringChecker checker) {
            return new Options(includes, modules, checker, strictEscape);
        }

        /** Unknown escapes in regular expressions of conditions warn (yara's {@code --strict-escape}). */
        public Options withStrictEscape(boolean on) {
            return new Options(includes, modules, strings, on);
        }
    }

    /** Compiles or validates one string declaration; returns its warnings. */
    public interface StringChecker {
        List<String> check(dev.vigil.yara.syntax.StringDecl decl);
    }

    /**
     * The rules ({@code null} when any error was found), errors and warnings in source order, and both together in
     * the order they were found (the order yara prints them in).
     */
    public record Result(CompiledRuleSet rules, List<Diagnostic> errors, List<Diagnostic> warnings,
                         List<Diagnostic> diagnostics) {
        public boolean ok() {
            return errors.isEmpty();
        }
    }

    private RuleSetCompiler() {
    }

    /**
     * @param externals values of {@code -d name=value} variables: Long, Double, Boolean or String
     */
    public static Result compile(List<Source> sources, Map<String, Object> externals, Options options) {
        State state = new State(externals, options);
        for (Source source : sources) {
            try {
                // A rule that does not compile is reported and parsing goes on with the next one, as yara does;
                // a syntax error ends the source.
                new Parser(options.includes(), item -> {
                    try {
                        state.add(item, source.namespace());
                    } catch (CompileError e) {
                        // yara names the rule in its errors once the rule's name is accepted
                        CompileError named = item instanceof Ast.Rule r && state.nameAccepted ? e.inRule(r.name()) : e;
                        state.error(new Diagnostic(Diagnostic.Severity.ERROR, named.file(), named.line(),
                                named.getMessage(), named.rule()));
                    }
                }).onString((rule, decl) -> {
                    for (String w : options.strings().check(decl)) {
                        state.warn(decl.file(), decl.line(), w, rule);
                    }
                }).parse(source.content(), source.fileName());
            } catch (CompileError e) {
                state.error(new Diagnostic(Diagnostic.Severity.ERROR, e.file(), e.line(), e.getMessage(),
                        e.rule()));
            } catch (StackOverflowError e) {
                state.error(new Diagnostic(Diagnostic.Severity.ERROR, source.fileName(), 0,
                        "expression nested too deeply"));
            }
            if (!state.errors.isEmpty()) {
                break; // as yara's command line: the sources after the first one with errors are not read
            }
        }
        if (!state.errors.isEmpty()) {
            return new Result(null, List.copyOf(state.errors), List.copyOf(state.warnings),
                    List.copyOf(state.diagnostics));
        }
        int[][] gates = new int[state.rules.size()][];
        for (int i = 0; i < gates.length; i++) {
            List<Integer> g = state.globalsByNamespace.getOrDefault(state.rules.get(i).namespace(), List.of());
            gates[i] = ints(g);
        }
        CompiledRuleSet set = new CompiledRuleSet(state.rules, state.conditions.toArray(new Nodes.IntNode[0]),
                state.moduleSlots.keySet().toArray(new String[0]), state.stringCount, gates, state.needsAllMatches,
                state.fixedOffsets, state.moduleSlots.containsKey("console") ? new java.util.BitSet() : state.needsAMatch,
                // console.log in a condition prints whatever the strings matched, so its rule sets get no guards
                state.moduleSlots.containsKey("console") ? null : state.guards.toArray(new Nodes.IntNode[0]),
                state.atOnly,
                // nor strings searched after the pass only when needed: operands before such a string could print
                state.moduleSlots.containsKey("console") ? null : state.required.toArray(new int[0][]));
        return new Result(set, List.of(), List.copyOf(state.warnings), List.copyOf(state.diagnostics));
    }

    /**
     * The list as an array. A loop, not a stream: this runs per rule and per string set, and each stream pipeline
     * of a cold run costs its objects and calls in the interpreter and the C1 compilations of its parts.
     */
    static int[] ints(List<Integer> list) {
        int[] out = new int[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = list.get(i);
        }
        return out;
    }

    /** Compilation state shared by all sources. */
    static final class State {
        final Map<String, Object> externals;
        final Options options;
        final List<Diagnostic> errors = new ArrayList<>();
        final List<Diagnostic> warnings = new ArrayList<>();
        final List<Diagnostic> diagnostics = new ArrayList<>();
        final List<CompiledRule> rules = new ArrayList<>();
        final List<Nodes.IntNode> conditions = new ArrayList<>();
        /** Per rule, the strings its condition cannot be true without (see {@link ConditionCompiler#requiredStrings}). */
        final List<int[]> required = new ArrayList<>();
        /** Per rule, its guard or null (see {@link ConditionCompiler#guard}). */
        final List<Nodes.IntNode> guards = new ArrayList<>();
        /** namespace -> rule name -> rule index. */
        final Map<String, Map<String, Integer>> rulesByNamespace = new HashMap<>();
        final Map<String, Set<String>> wildcardsByNamespace = new HashMap<>();
        final Map<String, Set<String>> importsByNamespace = new HashMap<>();
        final Map<String, List<Integer>> globalsByNamespace = new HashMap<>();
        final Map<String, Integer> moduleSlots = new LinkedHashMap<>();
        /** Rules whose condition is false without a match of their strings (see {@link StringGate}). */
        final java.util.BitSet needsAMatch = new java.util.BitSet();
        int stringCount;
        /** Whether the rule being added got past the checks of its name. */
        boolean nameAccepted;
        /** Global indexes of strings whose every match counts (see {@link CompiledRuleSet#needsAllMatches}). */
        final java.util.BitSet needsAllMatches = new java.util.BitSet();
        /** Global indexes of strings used only as {@code $a at E} (see {@link ConditionCompiler#atOnly}). */
        final java.util.BitSet atOnly = new java.util.BitSet();
        /** Global string index -> the offset a literal one is searched at alone, when not ANYWHERE. */
        final Map<Integer, Long> fixedOffsets = new HashMap<>();

        State(Map<String, Object> externals, Options options) {
            this.externals = externals == null ? Map.of() : Map.copyOf(externals);
            this.options = options;
        }

        void add(Ast.Item item, String namespace) {
            switch (item) {
                case Ast.Import imp -> {
                    if (!options.modules().containsKey(imp.module())) {
                        throw new CompileError("unknown module \"" + imp.module() + "\"", imp.file(), imp.line());
                    }
                    importsByNamespace.computeIfAbsent(namespace, k -> new HashSet<>()).add(imp.module());
                    moduleSlots.putIfAbsent(imp.module(), moduleSlots.size());
                }
                case Ast.Rule rule -> addRule(rule, namespace);
            }
        }

        private void addRule(Ast.Rule rule, String namespace) {
            nameAccepted = false;
            Map<String, Integer> names = rulesByNamespace.computeIfAbsent(namespace, k -> new HashMap<>());
            if (names.containsKey(rule.name()) || externals.containsKey(rule.name())) {
                throw new CompileError("duplicated identifier \"" + rule.name() + "\"", rule.file(), rule.line());
            }
            for (String prefix : wildcardsByNamespace.getOrDefault(namespace, Set.of())) {
                if (rule.name().startsWith(prefix)) {
                    throw new CompileError("rule identifier \"" + rule.name()
                            + "\" matches previously used wildcard rule set", rule.file(), rule.line());
                }
            }
            nameAccepted = true;
            int[] indexes = new int[rule.strings().size()];
            for (int i = 0; i < indexes.length; i++) {
                indexes[i] = stringCount + i;
            }
            // YARA declares the rule before its condition, so the condition may name (and wildcard-match) itself;
            // its own result reads as false while it is being evaluated.
            names.put(rule.name(), rules.size());
            ConditionCompiler cc = new ConditionCompiler(this, rule, namespace, indexes);
            Nodes.IntNode condition = cc.compileCondition();
            java.util.BitSet all = cc.needsAllMatches();
            for (int i = all.nextSetBit(0); i >= 0; i = all.nextSetBit(i + 1)) {
                needsAllMatches.set(indexes[i]);
            }
            for (int i = 0; i < indexes.length; i++) {
                fixedOffsets.put(indexes[i], cc.fixedOffset(i));
                if (cc.atOnly(i)) {
                    atOnly.set(indexes[i]);
                }
            }
            stringCount += indexes.length;
            if (rule.isGlobal()) {
                globalsByNamespace.computeIfAbsent(namespace, k -> new ArrayList<>()).add(rules.size());
            }
            rules.add(new CompiledRule(namespace, rule.name(), rule.isPrivate(), rule.isGlobal(), rule.tags(),
                    rule.metas(), rule.strings(), indexes, rule.file(), rule.line()));
            if (indexes.length > 0 && StringGate.needsAMatch(rule.condition())) {
                needsAMatch.set(rules.size() - 1);
            }
            conditions.add(condition);
            guards.add(cc.guard());
            required.add(cc.requiredStrings());
        }

        void warn(String file, int line, String message, String rule) {
            Diagnostic d = new Diagnostic(Diagnostic.Severity.WARNING, file, line, message, rule);
            warnings.add(d);
            diagnostics.add(d);
        }

        void error(Diagnostic d) {
            errors.add(d);
            diagnostics.add(d);
        }
    }
}
