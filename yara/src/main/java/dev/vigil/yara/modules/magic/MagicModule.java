package dev.vigil.yara.modules.magic;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;

/**
 * YARA's {@code magic} module, declared so that rules using it compile. Its answers come from libmagic's database
 * in YARA; Vigil depends on nothing outside the JDK and has no such database, so {@code type()} and
 * {@code mime_type()} are undefined (YARA itself gives e.g. "ASCII text" / "text/plain").
 */
public final class MagicModule implements YaraModule {

    private static final Type.Struct SCHEMA = Type.struct()
            .function("mime_type", "", Type.STRING)
            .function("type", "", Type.STRING)
            .build();

    private static final StructValue VALUE = new StructValue()
            .set("mime_type", (ModuleFunction) (o, a) -> null)
            .set("type", (ModuleFunction) (o, a) -> null);

    @Override
    public String name() {
        return "magic";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) {
        return VALUE;
    }
}
