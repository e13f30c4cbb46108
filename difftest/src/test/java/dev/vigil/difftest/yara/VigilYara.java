package dev.vigil.difftest.yara;

import dev.vigil.yara.RuleMatch;
import dev.vigil.yara.YaraCompileException;
import dev.vigil.yara.YaraCompiler;
import dev.vigil.yara.YaraRules;
import dev.vigil.yara.YaraScanOptions;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Vigil's side, driven through the library as an application would: compile once, scan file by file. */
final class VigilYara {
    private VigilYara() {
    }

    static YaraRules compile(YaraRuleSet set) throws IOException, YaraCompileException {
        YaraCompiler compiler = new YaraCompiler();
        set.externals().forEach(compiler::defineExternal);
        for (Path f : set.files()) {
            compiler.addFile(f, "default");
        }
        return compiler.compile();
    }

    static YaraReport scan(YaraRules rules, List<Path> files) {
        YaraReport r = new YaraReport();
        long start = System.nanoTime();
        for (Path f : files) {
            try {
                for (RuleMatch m : rules.scan(f, YaraScanOptions.DEFAULT).matches()) {
                    List<YaraReport.Hit> hits = new ArrayList<>();
                    for (RuleMatch.StringMatch s : m.strings()) {
                        hits.add(new YaraReport.Hit(s.offset(), s.data().length, s.identifier(),
                                Math.max(0, s.xorKey())));
                    }
                    r.add(f.toString(), m.name(), hits);
                }
            } catch (IOException e) {
                r.errors.put(f.toString(), "could not open file");
            }
        }
        r.nanos = System.nanoTime() - start;
        return r;
    }
}
