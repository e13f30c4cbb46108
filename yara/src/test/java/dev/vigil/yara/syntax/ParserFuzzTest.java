package dev.vigil.yara.syntax;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.vigil.yara.condition.CompiledRuleSet;
import dev.vigil.yara.condition.ConditionTimeoutException;
import dev.vigil.yara.condition.RuleSetCompiler;
import dev.vigil.yara.modules.Modules;
import dev.vigil.yara.strings.MatchView;

import java.util.List;
import java.util.Map;

/**
 * Hostile rule text must end in diagnostics or a rule set, never another exception or a hang; a compiled rule set
 * evaluates under a deadline. Normal runs replay the seeds in ParserFuzzTestInputs; {@code JAZZER_FUZZ=1} fuzzes.
 */
class ParserFuzzTest {

    private static final MatchView NONE = new MatchView() {
        @Override
        public int count() {
            return 0;
        }

        @Override
        public long offset(int i) {
            throw new IndexOutOfBoundsException();
        }

        @Override
        public int length(int i) {
            throw new IndexOutOfBoundsException();
        }
    };

    @FuzzTest(maxDuration = "60s")
    void compileAndEvaluate(byte[] source) {
        RuleSetCompiler.Result result = RuleSetCompiler.compile(
                List.of(new RuleSetCompiler.Source("default", "fuzz.yar", source)), Map.of("ext", 1L),
                new RuleSetCompiler.Options(IncludeResolver.none(), Modules.builtIn()));
        if (!result.ok()) {
            return;
        }
        CompiledRuleSet rules = result.rules();
        byte[] data = {0x4d, 0x5a, 0, 1, 2, 3};
        try {
            rules.evaluate(new dev.vigil.yara.condition.ScanContext() {
                @Override
                public MatchView matches(int stringIndex) {
                    return NONE;
                }

                @Override
                public long filesize() {
                    return data.length;
                }

                @Override
                public dev.vigil.engine.io.ScanInput input() {
                    return dev.vigil.engine.io.ScanInput.of(data);
                }

                @Override
                public Long entrypoint() {
                    return null;
                }

                @Override
                public dev.vigil.yara.modules.StructValue module(String name) {
                    return null;
                }
            }, System.nanoTime() + 50_000_000L);
        } catch (ConditionTimeoutException expected) {
            // a huge loop is refused, not hung
        }
    }
}
