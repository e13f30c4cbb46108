package dev.vigil.yara.modules.dex;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.strings.YaraRegex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/** YARA's {@code dex} module: Android DEX headers, id tables, map list, classes' fields and methods. */
public final class DexModule implements YaraModule {

    private static final String[] MAGICS = {"035", "036", "037", "038", "039"};

    /** Integer constants the module declares, with their values. */
    private static final Object[][] CONSTANTS = {
        {"ENDIAN_CONSTANT", 0x12345678L}, {"REVERSE_ENDIAN_CONSTANT", 0x78563412L}, {"NO_INDEX", 0xffffffffL},
        {"ACC_PUBLIC", 0x1L}, {"ACC_PRIVATE", 0x2L}, {"ACC_PROTECTED", 0x4L}, {"ACC_STATIC", 0x8L},
        {"ACC_FINAL", 0x10L}, {"ACC_SYNCHRONIZED", 0x20L}, {"ACC_VOLATILE", 0x40L}, {"ACC_BRIDGE", 0x40L},
        {"ACC_TRANSIENT", 0x80L}, {"ACC_VARARGS", 0x80L}, {"ACC_NATIVE", 0x100L}, {"ACC_INTERFACE", 0x200L},
        {"ACC_ABSTRACT", 0x400L}, {"ACC_STRICT", 0x800L}, {"ACC_SYNTHETIC", 0x1000L},
        {"ACC_ANNOTATION", 0x2000L}, {"ACC_ENUM", 0x4000L}, {"ACC_CONSTRUCTOR", 0x10000L},
        {"ACC_DECLARED_SYNCHRONIZED", 0x20000L},
        {"TYPE_HEADER_ITEM", 0x0L}, {"TYPE_STRING_ID_ITEM", 0x1L}, {"TYPE_TYPE_ID_ITEM", 0x2L},
        {"TYPE_PROTO_ID_ITEM", 0x3L}, {"TYPE_FIELD_ID_ITEM", 0x4L}, {"TYPE_METHOD_ID_ITEM", 0x5L},
        {"TYPE_CLASS_DEF_ITEM", 0x6L}, {"TYPE_CALL_SITE_ID_ITEM", 0x7L}, {"TYPE_METHOD_HANDLE_ITEM", 0x8L},
        {"TYPE_MAP_LIST", 0x1000L}, {"TYPE_TYPE_LIST", 0x1001L}, {"TYPE_ANNOTATION_SET_REF_LIST", 0x1002L},
        {"TYPE_ANNOTATION_SET_ITEM", 0x1003L}, {"TYPE_CLASS_DATA_ITEM", 0x2000L}, {"TYPE_CODE_ITEM", 0x2001L},
        {"TYPE_STRING_DATA_ITEM", 0x2002L}, {"TYPE_DEBUG_INFO_ITEM", 0x2003L}, {"TYPE_ANNOTATION_ITEM", 0x2004L},
        {"TYPE_ENCODED_ARRAY_ITEM", 0x2005L}, {"TYPE_ANNOTATIONS_DIRECTORY_ITEM", 0x2006L},
    };

    static final String[] HEADER_INTEGERS = {"file_size", "header_size", "endian_tag", "link_size", "link_offset",
        "map_offset", "string_ids_size", "string_ids_offset", "type_ids_size", "type_ids_offset", "proto_ids_size",
        "proto_ids_offset", "field_ids_size", "field_ids_offset", "method_ids_size", "method_ids_offset",
        "class_defs_size", "class_defs_offset", "data_size", "data_offset"};

    private static final Type.Struct SCHEMA = schema0();

    private static Type.Struct schema0() {
        Type.StructBuilder s = Type.struct();
        for (String m : MAGICS) {
            s.string("DEX_FILE_MAGIC_" + m);
        }
        for (Object[] c : CONSTANTS) {
            s.integer((String) c[0]);
        }
        Type.StructBuilder header = Type.struct().string("magic").integer("checksum").string("signature");
        for (String h : HEADER_INTEGERS) {
            header.integer(h);
        }
        s.field("header", header.build());
        s.field("string_ids", new Type.Array(Type.struct().integer("offset").integer("size").string("value").build()));
        s.field("type_ids", new Type.Array(Type.struct().integer("descriptor_idx").build()));
        s.field("proto_ids", new Type.Array(Type.struct()
                .integer("shorty_idx").integer("return_type_idx").integer("parameters_offset").build()));
        s.field("field_ids", new Type.Array(Type.struct()
                .integer("class_idx").integer("type_idx").integer("name_idx").build()));
        s.field("method_ids", new Type.Array(Type.struct()
                .integer("class_idx").integer("proto_idx").integer("name_idx").build()));
        s.field("class_defs", new Type.Array(Type.struct().integer("class_idx").integer("access_flags")
                .integer("super_class_idx").integer("interfaces_offset").integer("source_file_idx")
                .integer("annotations_offset").integer("class_data_offset").integer("static_values_offset")
                .build()));
        s.field("class_data_item", new Type.Array(Type.struct().integer("static_fields_size")
                .integer("instance_fields_size").integer("direct_methods_size").integer("virtual_methods_size")
                .build()));
        s.field("map_list", Type.struct().integer("size").field("map_item", new Type.Array(Type.struct()
                .integer("type").integer("unused").integer("size").integer("offset").build())).build());
        s.integer("number_of_fields");
        s.field("field", new Type.Array(Type.struct().string("class_name").string("name").string("proto")
                .integer("static").integer("instance").integer("field_idx_diff").integer("access_flags").build()));
        s.function("has_method", "s", Type.INTEGER)
                .function("has_method", "ss", Type.INTEGER)
                .function("has_method", "r", Type.INTEGER)
                .function("has_method", "rr", Type.INTEGER)
                .function("has_class", "s", Type.INTEGER)
                .function("has_class", "r", Type.INTEGER);
        s.integer("number_of_methods");
        s.field("method", new Type.Array(Type.struct().string("class_name").string("name").string("proto")
                .integer("direct").integer("virtual").integer("method_idx_diff").integer("access_flags")
                .integer("code_off")
                .field("code_item", Type.struct().integer("registers_size").integer("ins_size")
                        .integer("outs_size").integer("tries_size").integer("debug_info_off")
                        .integer("insns_size").string("insns").build())
                .build()));
        return s.build();
    }

    @Override
    public String name() {
        return "dex";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) throws IOException {
        StructValue out = new StructValue();
        for (String m : MAGICS) {
            out.set("DEX_FILE_MAGIC_" + m, ("dex\n" + m + "\0").getBytes(StandardCharsets.ISO_8859_1));
        }
        for (Object[] c : CONSTANTS) {
            out.set((String) c[0], (long) (Long) c[1]);
        }
        long size = context.size();
        // Only DEX files are read whole.
        if (size >= 0x70 && size <= Integer.MAX_VALUE - 16
                && DexParser.isDex(java.util.Arrays.copyOf(context.input().readFully(0, 8), 0x70))) {
            parse(context.input().readFully(0, (int) size), out);
        }
        bindFunctions(out);
        return out;
    }

    /** Fills {@code out} from a whole file when it is a DEX file; never throws. */
    static void parse(byte[] data, StructValue out) {
        if (DexParser.isDex(data)) {
            new DexParser(data, out).parse();
        }
    }

    /** A string up to its first NUL, as YARA's functions compare C strings. */
    private static byte[] cString(byte[] s) {
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return Arrays.copyOf(s, i);
            }
        }
        return s;
    }

    @SuppressWarnings("unchecked")
    private static byte[] methodString(StructValue out, int i, String field) {
        List<Object> methods = (List<Object>) out.get("method");
        if (methods == null || i >= methods.size() || methods.get(i) == null) {
            return null;
        }
        byte[] v = (byte[]) ((StructValue) methods.get(i)).get(field);
        return v == null ? null : cString(v);
    }

    private static boolean test(Object pattern, byte[] value) {
        if (pattern instanceof YaraRegex re) {
            return re.find(value);
        }
        return Arrays.equals(cString((byte[]) pattern), value);
    }

    private static void bindFunctions(StructValue out) {
        out.set("has_method", (ModuleFunction) (overload, args) -> {
            Object n = out.get("number_of_methods");
            if (n == null) {
                return null;
            }
            boolean withClass = overload == 1 || overload == 3;
            Object namePattern = withClass ? args[1] : args[0];
            for (int i = 0; i < (Long) n; i++) {
                if (withClass) {
                    byte[] cls = methodString(out, i, "class_name");
                    if (cls != null && !test(args[0], cls)) {
                        continue;
                    }
                }
                byte[] name = methodString(out, i, "name");
                if (name != null && test(namePattern, name)) {
                    return 1L;
                }
            }
            return 0L;
        });
        out.set("has_class", (ModuleFunction) (overload, args) -> {
            Object n = out.get("number_of_methods");
            if (n == null) {
                return null;
            }
            for (int i = 0; i < (Long) n; i++) {
                byte[] cls = methodString(out, i, "class_name");
                if (cls != null && test(args[0], cls)) {
                    return 1L;
                }
            }
            return 0L;
        });
    }
}
