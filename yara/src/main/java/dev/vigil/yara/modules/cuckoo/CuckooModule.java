package dev.vigil.yara.modules.cuckoo;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;

/**
 * YARA's {@code cuckoo} module, declared so that rules using it compile. It matches against a Cuckoo sandbox
 * report passed as module data ({@code yara -x cuckoo=report.json}); Vigil scans files only and has no report, and
 * without a report every function answers 0 (no match) in YARA 4.5.2 too (checked with the CLI), so Vigil answers
 * 0 as well.
 */
public final class CuckooModule implements YaraModule {

    private static final ModuleFunction NO_REPORT = (o, a) -> 0L;

    private static final Type.Struct SCHEMA = Type.struct()
            .field("network", Type.struct()
                    .function("dns_lookup", "r", Type.INTEGER)
                    .function("http_get", "r", Type.INTEGER)
                    .function("http_post", "r", Type.INTEGER)
                    .function("http_request", "r", Type.INTEGER)
                    .function("http_user_agent", "r", Type.INTEGER)
                    .function("host", "r", Type.INTEGER)
                    .function("tcp", "ri", Type.INTEGER)
                    .function("udp", "ri", Type.INTEGER)
                    .build())
            .field("registry", Type.struct().function("key_access", "r", Type.INTEGER).build())
            .field("filesystem", Type.struct().function("file_access", "r", Type.INTEGER).build())
            .field("sync", Type.struct().function("mutex", "r", Type.INTEGER).build())
            .build();

    @Override
    public String name() {
        return "cuckoo";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) {
        return new StructValue()
                .set("network", functions(SCHEMA.field("network")))
                .set("registry", functions(SCHEMA.field("registry")))
                .set("filesystem", functions(SCHEMA.field("filesystem")))
                .set("sync", functions(SCHEMA.field("sync")));
    }

    private static StructValue functions(Type struct) {
        StructValue v = new StructValue();
        for (String name : ((Type.Struct) struct).fields().keySet()) {
            v.set(name, NO_REPORT);
        }
        return v;
    }
}
