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
                new dev.vigil.yara.modules.dotnet.DotnetModule(),
                new dev.vigil.yara.modules.macho.MachoModule(),
                new dev.vigil.yara.modules.dex.DexModule()
        );
    }

    public static Map<String, YaraModule> builtIn() {
        Map<String, YaraModule> m = new LinkedHashMap<>();
        for (YaraModule module : all()) {
            m.put(module.name(), module);
        }
        return m;
    }
}
