package dev.vigil.yara.modules.console;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;

/**
 * YARA's {@code console} module. Each call writes one line through {@link ModuleContext#log} with the text
 * {@code yara} prints, and returns 1 (true) so that calls chain with {@code and}. A message prefix is used as a C
 * string (up to its first NUL, not escaped), the logged string itself is escaped, as in YARA.
 */
public final class ConsoleModule implements YaraModule {

    private static final Type.Struct SCHEMA = Type.struct()
            .function("log", "s", Type.INTEGER)
            .function("log", "ss", Type.INTEGER)
            .function("log", "i", Type.INTEGER)
            .function("log", "si", Type.INTEGER)
            .function("log", "f", Type.INTEGER)
            .function("log", "sf", Type.INTEGER)
            .function("hex", "i", Type.INTEGER)
            .function("hex", "si", Type.INTEGER)
            .build();

    @Override
    public String name() {
        return "console";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) {
        return new StructValue()
                .set("log", (ModuleFunction) (o, a) -> {
                    context.log(logLine(o, a));
                    return 1L;
                })
                .set("hex", (ModuleFunction) (o, a) -> {
                    context.log(o == 0 ? "0x" + Long.toHexString((Long) a[0])
                            : CFormat.cString((byte[]) a[0]) + "0x" + Long.toHexString((Long) a[1]));
                    return 1L;
                });
    }

    /** The line for {@code log} overload {@code overload} (declaration order: s, ss, i, si, f, sf). */
    static String logLine(int overload, Object[] a) {
        StringBuilder b = new StringBuilder();
        switch (overload) {
            case 0 -> CFormat.escape((byte[]) a[0], b);
            case 1 -> CFormat.escape((byte[]) a[1], b.append(CFormat.cString((byte[]) a[0])));
            case 2 -> b.append((long) (Long) a[0]);
            case 3 -> b.append(CFormat.cString((byte[]) a[0])).append((long) (Long) a[1]);
            case 4 -> b.append(CFormat.fixed6(((Number) a[0]).doubleValue()));
            case 5 -> b.append(CFormat.cString((byte[]) a[0])).append(CFormat.fixed6(((Number) a[1]).doubleValue()));
            default -> throw new IllegalArgumentException("console.log has no overload " + overload);
        }
        return b.toString();
    }
}
