package dev.vigil.yara.modules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The modules compiled into Vigil, by import name. */
public final class Modules {

    private Modules() {
    }

    private static List<YaraModule> all() {
        return List.of(
                // one line per module
                new dev.vigil.yara.modules.pe.PeModule(),
                new dev.vigil.yara.modules.tests.TestsModule(),
                new dev.vigil.yara.modules.elf.ElfModule(),
                new dev.vigil.yara.modules.math.MathModule(),
                new dev.vigil.yara.modules.time.TimeModule(),
                new dev.vigil.yara.modules.console.ConsoleModule(),
                new dev.vigil.yara.modules.string.StringModule(),
                new dev.vigil.yara.modules.cuckoo.CuckooModule(),
                new dev.vigil.yara.modules.magic.MagicModule(),
                new dev.vigil.yara.modules.hash.HashModule(),
                new dev.vigil.yara.modules.dotnet.DotnetModule(),
                new dev.vigil.yara.modules.macho.MachoModule(),
                new dev.vigil.yara.modules.dex.DexModule()
        );
    }

    private static final Map<String, YaraModule> BUILT_IN;

    static {
        Map<String, YaraModule> m = new LinkedHashMap<>();
        for (YaraModule module : all()) {
            m.put(module.name(), module);
        }
        BUILT_IN = java.util.Collections.unmodifiableMap(m);
    }

    /** Every built-in module by name; modules are stateless, so one instance serves every scan. */
    public static Map<String, YaraModule> builtIn() {
        return BUILT_IN;
    }
}
