package dev.vigil.yara.modules.time;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;

/** YARA's {@code time} module: {@code now()} is the Unix time in seconds when called. */
public final class TimeModule implements YaraModule {

    private static final Type.Struct SCHEMA = Type.struct().function("now", "", Type.INTEGER).build();

    private static final StructValue VALUE = new StructValue()
            .set("now", (ModuleFunction) (o, a) -> Math.floorDiv(System.currentTimeMillis(), 1000L));

    @Override
    public String name() {
        return "time";
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
