package dev.vigil.yara;

import dev.vigil.yara.condition.CompiledRule;
import dev.vigil.yara.condition.RuleSetCompiler;
import dev.vigil.yara.strings.CompiledString;
import dev.vigil.yara.strings.StringCompileException;
import dev.vigil.yara.strings.StringCompiler;
import dev.vigil.yara.syntax.StringDecl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import dev.vigil.yara.syntax.CompileError;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Compiles YARA rule sources into {@link YaraRules}. Sources added to one compiler form one rule set: a rule may
 * refer to rules added before it, as with {@code yara}'s several rule files. Not thread-safe; the result is.
 * Rule text is read as bytes (ISO-8859-1 when given as a Java string), as YARA reads it.
 */
public final class YaraCompiler {
    private final Map<String, Object> externals = new LinkedHashMap<>();
    private final List<RuleSetCompiler.Source> sources = new ArrayList<>();
    private final List<Diagnostic> warnings = new ArrayList<>();
    private final List<Diagnostic> diagnostics = new ArrayList<>();
    private boolean strictEscape;

    /**
     * Defines an external variable ({@code yara -d name=value}); {@code value} is a Long, Double, Boolean or
     * String.
     */
    public YaraCompiler defineExternal(String name, Object value) {
        if (!(value instanceof Long || value instanceof Double || value instanceof Boolean
                || value instanceof String)) {
            throw new IllegalArgumentException("an external is a Long, Double, Boolean or String: " + value);
        }
        externals.put(name, value);
        return this;
    }

    /** Unknown escapes in regular expressions warn (YARA's {@code --strict-escape}). */
    public YaraCompiler strictEscape(boolean on) {
        strictEscape = on;
        return this;
    }

    /** Adds a rule file; includes resolve relative to it. Errors are collected, {@link #compile()} reports them. */
    public YaraCompiler addFile(Path file, String namespace) throws IOException {
        sources.add(new RuleSetCompiler.Source(namespace, file.toString(), Files.readAllBytes(file)));
        return this;
    }

    /** Adds rule source text; {@code fileName} names it in diagnostics, includes resolve against the working directory. */
    public YaraCompiler addSource(String source, String namespace, String fileName) {
        sources.add(new RuleSetCompiler.Source(namespace, fileName, source.getBytes(StandardCharsets.ISO_8859_1)));
        return this;
    }

    /** Warnings of the last {@link #compile()}, in source order. */
    public List<Diagnostic> warnings() {
        return List.copyOf(warnings);
    }

    /** Errors and warnings of the last {@link #compile()}, in the order found (the order yara prints them in). */
    public List<Diagnostic> diagnostics() {
        return List.copyOf(diagnostics);
    }

    /**
     * The compiled rules, or the errors found. As with yara's command line, sources after the first one with
     * errors are not compiled.
     */
    public YaraRules compile() throws YaraCompileException {
        warnings.clear();
        diagnostics.clear();
        Map<StringDecl, CompiledString> compiled = new IdentityHashMap<>();
        RuleSetCompiler.Options options = RuleSetCompiler.Options.defaults().withStrictEscape(strictEscape).withStrings(decl -> {
            try {
                StringCompiler.Result s = StringCompiler.compile(decl, strictEscape);
                compiled.put(decl, s.string());
                return s.warnings();
            } catch (StringCompileException e) {
                throw new CompileError(e.getMessage(), decl.file(), decl.line());
            }
        });
        RuleSetCompiler.Result r = RuleSetCompiler.compile(sources, externals, options);
        warnings.addAll(r.warnings());
        diagnostics.addAll(r.diagnostics());
        if (!r.ok()) {
            throw new YaraCompileException(r.errors());
        }
        CompiledString[] strings = new CompiledString[r.rules().stringCount()];
        for (CompiledRule rule : r.rules().rules()) {
            for (int i = 0; i < rule.strings().size(); i++) {
                strings[rule.stringIndexes()[i]] = compiled.get(rule.strings().get(i));
            }
        }
        return new YaraRules(r.rules(), strings);
    }
}
