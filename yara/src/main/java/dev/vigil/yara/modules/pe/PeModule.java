package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;
import java.io.IOException;
import java.util.List;

/** YARA's {@code pe} module: PE headers, imports, exports, resources, rich signature and Authenticode. */
public final class PeModule implements YaraModule {
    /** Like YARA, the module looks at the file as one block; larger inputs are seen up to this size. */
    private static final int MAX_DATA = Integer.MAX_VALUE - 16;

    @Override
    public String name() {
        return "pe";
    }

    @Override
    public Type.Struct schema() {
        return PeSchema.SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) throws IOException {
        if (context.size() < 2 || !isMz(context.input().readFully(0, 2))) {
            // not a PE file: the values do not depend on the data, so it is not copied (ELF files are many MB)
            return load(new byte[0]);
        }
        byte[] data = context.input().readFully(0, (int) Math.min(context.size(), MAX_DATA));
        return load(data);
    }

    private static boolean isMz(byte[] head) {
        return head[0] == 'M' && head[1] == 'Z';
    }

    /** The module's values for {@code data}; never throws for malformed data. */
    public static StructValue load(byte[] data) {
        StructValue out = new StructValue();
        for (int i = 0; i < PeSchema.CONSTANTS.length; i += 2) {
            out.set((String) PeSchema.CONSTANTS[i], (Long) PeSchema.CONSTANTS[i + 1]);
        }
        out.set("is_pe", 0L);
        PeImage pe = PeImage.parse(data);
        StructValue rich = new StructValue();
        List<Imports.Dll> imports = List.of();
        List<Imports.Dll> delayed = List.of();
        if (pe != null) {
            Headers.parse(pe, out);
            Resources.parse(pe, out);
            Headers.sections(pe, out);
            Headers.richSignature(pe, out);
            if (out.get("rich_signature") instanceof StructValue r) {
                rich = r;
            }
            Headers.pdbPath(pe, out);
            Authenticode.parse(pe, out);
            imports = Imports.parseStandard(pe, out);
            delayed = Imports.parseDelayed(pe, out);
            Exports.parse(pe, out);
        }
        PeFunctions.bind(pe, out, rich, imports, delayed);
        out.set("rich_signature", rich);
        return out;
    }
}
