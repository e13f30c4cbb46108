package dev.vigil.yara.modules.dotnet;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;
import java.io.IOException;

/** YARA's {@code dotnet} module: the CLI metadata of .NET PE files (streams, tables, types and methods). */
public final class DotnetModule implements YaraModule {

    private static final Type.Struct VERSION = Type.struct()
            .integer("major").integer("minor").integer("build_number").integer("revision_number").build();

    private static final Type.Struct SCHEMA = Type.struct()
            .integer("is_dotnet")
            .string("version")
            .string("module_name")
            .field("streams", new Type.Array(Type.struct().string("name").integer("offset").integer("size").build()))
            .integer("number_of_streams")
            .field("guids", new Type.Array(Type.STRING))
            .integer("number_of_guids")
            .field("resources", new Type.Array(
                    Type.struct().integer("offset").integer("length").string("name").build()))
            .integer("number_of_resources")
            .field("classes", new Type.Array(Type.struct()
                    .string("fullname").string("name").string("namespace").string("visibility").string("type")
                    .integer("abstract").integer("sealed")
                    .integer("number_of_generic_parameters")
                    .field("generic_parameters", new Type.Array(Type.STRING))
                    .integer("number_of_base_types")
                    .field("base_types", new Type.Array(Type.STRING))
                    .integer("number_of_methods")
                    .field("methods", new Type.Array(Type.struct()
                            .field("generic_parameters", new Type.Array(Type.STRING))
                            .integer("number_of_generic_parameters")
                            .field("parameters", new Type.Array(Type.struct().string("name").string("type").build()))
                            .integer("number_of_parameters")
                            .string("return_type")
                            .integer("abstract").integer("final").integer("virtual").integer("static")
                            .string("visibility").string("name")
                            .build()))
                    .build()))
            .integer("number_of_classes")
            .field("assembly_refs", new Type.Array(Type.struct()
                    .field("version", VERSION).string("public_key_or_token").string("name").build()))
            .integer("number_of_assembly_refs")
            .field("assembly", Type.struct().field("version", VERSION).string("name").string("culture").build())
            .field("modulerefs", new Type.Array(Type.STRING))
            .integer("number_of_modulerefs")
            .field("user_strings", new Type.Array(Type.STRING))
            .integer("number_of_user_strings")
            .string("typelib")
            .field("constants", new Type.Array(Type.STRING))
            .integer("number_of_constants")
            .field("field_offsets", new Type.Array(Type.INTEGER))
            .integer("number_of_field_offsets")
            .build();

    @Override
    public String name() {
        return "dotnet";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) throws IOException {
        StructValue out = new StructValue();
        long size = context.size();
        // Only PE files are read whole.
        byte[] mz = context.input().readFully(0, 2);
        if (size <= 0 || size > Integer.MAX_VALUE - 16 || mz.length < 2 || mz[0] != 'M' || mz[1] != 'Z') {
            return out;
        }
        byte[] data = context.input().readFully(0, (int) size);
        parse(data, out);
        return out;
    }

    /** Fills {@code out} from a whole file; never throws. */
    static void parse(byte[] data, StructValue out) {
        Bytes b = new Bytes(data);
        PeImage pe = PeImage.of(b);
        if (pe != null) {
            new CliMetadata(pe, out).parse();
        }
    }
}
