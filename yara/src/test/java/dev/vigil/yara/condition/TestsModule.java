package dev.vigil.yara.condition;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.strings.YaraRegex;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test-only module with the same members and values as YARA's {@code tests} module (which YARA's own test-suite
 * imports), so that member access, arrays, dictionaries, overloads and for-in over module values can be checked
 * against the conformance cases.
 */
final class TestsModule implements YaraModule {

    @Override
    public String name() {
        return "tests";
    }

    @Override
    public Type.Struct schema() {
        Type.Struct item = Type.struct().integer("i").string("s").build();
        Type.Struct unusedStr = Type.struct().string("unused").build();
        return Type.struct()
                .field("constants", Type.struct().integer("one").integer("two").string("foo").string("empty").build())
                .field("undefined", Type.struct().integer("i").floating("f").build())
                .string("module_data")
                .field("integer_array", new Type.Array(Type.INTEGER))
                .field("string_array", new Type.Array(Type.STRING))
                .field("integer_dict", new Type.Dict(Type.INTEGER))
                .field("string_dict", new Type.Dict(Type.STRING))
                .field("struct_array", new Type.Array(item))
                .field("struct_dict", new Type.Dict(item))
                .field("empty_struct_dict", new Type.Dict(Type.struct().integer("unused").build()))
                .field("empty_struct_array", new Type.Array(Type.struct()
                        .field("struct_array", new Type.Array(unusedStr))
                        .field("struct_dict", new Type.Dict(unusedStr)).build()))
                .function("match", "rs", Type.INTEGER)
                .function("isum", "ii", Type.INTEGER)
                .function("isum", "iii", Type.INTEGER)
                .function("fsum", "ff", Type.FLOAT)
                .function("fsum", "fff", Type.FLOAT)
                .function("length", "s", Type.INTEGER)
                .function("empty", "", Type.STRING)
                .function("foobar", "i", Type.STRING)
                .build();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The values YARA's tests module sets, independent of the data. */
    StructValue values() {
        StructValue v = new StructValue();
        v.set("constants", new StructValue().set("one", 1).set("two", 2).set("foo", b("foo")).set("empty", b("")));
        v.set("undefined", new StructValue());
        List<Object> ints = new ArrayList<>(Arrays.asList(new Object[257]));
        ints.set(0, 0L);
        ints.set(1, 1L);
        ints.set(2, 2L);
        ints.set(256, 256L);
        v.set("integer_array", ints);
        v.set("string_array", new ArrayList<>(List.of(b("foo"), b("bar"), b("baz"), b("foo\0bar"))));
        Map<String, Object> stringDict = new LinkedHashMap<>();
        stringDict.put("foo", b("foo"));
        stringDict.put("bar", b("bar"));
        v.set("string_dict", stringDict);
        v.set("integer_dict", new LinkedHashMap<String, Object>());
        List<Object> structs = new ArrayList<>(Arrays.asList(null, new StructValue().set("i", 1)));
        v.set("struct_array", structs);
        Map<String, Object> structDict = new LinkedHashMap<>();
        structDict.put("foo", new StructValue().set("s", b("foo")).set("i", 1));
        v.set("struct_dict", structDict);
        v.set("empty_struct_dict", new LinkedHashMap<String, Object>());
        v.set("empty_struct_array", new ArrayList<>());
        v.set("match", (ModuleFunction) (o, a) -> ((YaraRegex) a[0]).find((byte[]) a[1]) ? 1L : 0L);
        v.set("isum", (ModuleFunction) (o, a) -> o == 0 ? (Long) a[0] + (Long) a[1]
                : (Long) a[0] + (Long) a[1] + (Long) a[2]);
        v.set("fsum", (ModuleFunction) (o, a) -> o == 0 ? (Double) a[0] + (Double) a[1]
                : (Double) a[0] + (Double) a[1] + (Double) a[2]);
        v.set("length", (ModuleFunction) (o, a) -> (long) ((byte[]) a[0]).length);
        v.set("empty", (ModuleFunction) (o, a) -> b(""));
        v.set("foobar", (ModuleFunction) (o, a) -> switch (((Long) a[0]).intValue()) {
            case 1 -> b("foo");
            case 2 -> b("bar");
            default -> b("oops");
        });
        return v;
    }

    @Override
    public StructValue load(ModuleContext context) {
        return values();
    }
}
