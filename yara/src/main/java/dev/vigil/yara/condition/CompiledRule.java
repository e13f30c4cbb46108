package dev.vigil.yara.condition;

import dev.vigil.yara.syntax.Ast;
import dev.vigil.yara.syntax.StringDecl;

import java.util.List;

/**
 * One compiled rule. {@code stringIndexes[i]} is the global index (over the whole rule set, in declaration order)
 * of {@code strings.get(i)}.
 */
public record CompiledRule(String namespace, String name, boolean isPrivate, boolean isGlobal, List<String> tags,
                           List<Ast.Meta> metas, List<StringDecl> strings, int[] stringIndexes, String file,
                           int line) {
}
