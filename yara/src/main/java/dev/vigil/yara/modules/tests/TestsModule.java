package dev.vigil.yara.modules.tests;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.modules.math.ScanRange;
import dev.vigil.yara.strings.YaraRegex;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * YARA's test-only {@code tests} module, with the fixed values YARA's own test suite checks: sparse arrays (items
 * that were never set are undefined), dictionaries, nested empty containers and a few functions. {@code
 * module_data} stays undefined: Vigil has no way to pass module data ({@code yara -x}).
 */
public final class TestsModule implements YaraModule {

    private static final Type.Struct SCHEMA = Type.struct()
            .field("constants", Type.struct().integer("one").integer("two").string("foo").string("empty").build())
            .field("undefined", Type.struct().integer("i").floating("f").build())
            .string("module_data")
            .field("integer_array", new Type.Array(Type.INTEGER))
            .field("string_array", new Type.Array(Type.STRING))
            .field("integer_dict", new Type.Dict(Type.INTEGER))
            .field("string_dict", new Type.Dict(Type.STRING))
            .field("struct_array", new Type.Array(Type.struct().integer("i").string("s").build()))
            .field("struct_dict", new Type.Dict(Type.struct().integer("i").string("s").build()))
            .field("empty_struct_dict", new Type.Dict(Type.struct().integer("unused").build()))
            .field("empty_struct_array", new Type.Array(Type.struct()
                    .field("struct_array", new Type.Array(Type.struct().string("unused").build()))
                    .field("struct_dict", new Type.Dict(Type.struct().string("unused").build()))
                    .build()))
            .function("match", "rs", Type.INTEGER)
            .function("isum", "ii", Type.INTEGER)
            .function("isum", "iii", Type.INTEGER)
            .function("fsum", "ff", Type.FLOAT)
            .function("fsum", "fff", Type.FLOAT)
            .function("length", "s", Type.INTEGER)
            .function("empty", "", Type.STRING)
            .function("foobar", "i", Type.STRING)
            .build();

    @Override
    public String name() {
        return "tests";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) {
        List<Object> integers = sparse(257);
        integers.set(0, 0L);
        integers.set(1, 1L);
        integers.set(2, 2L);
        integers.set(256, 256L);
        List<Object> strings = new ArrayList<>(List.of(b("foo"), b("bar"), b("baz"),
                "foo\0bar".getBytes(StandardCharsets.ISO_8859_1)));
        Map<String, Object> stringDict = new LinkedHashMap<>();
        stringDict.put("foo", b("foo"));
        stringDict.put("bar", b("bar"));
        List<Object> structs = sparse(2);
        structs.set(1, new StructValue().set("i", 1L));
        Map<String, Object> structDict = new LinkedHashMap<>();
        structDict.put("foo", new StructValue().set("s", b("foo")).set("i", 1L));
        return new StructValue()
                .set("constants", new StructValue().set("one", 1L).set("two", 2L).set("foo", b("foo"))
                        .set("empty", new byte[0]))
                .set("undefined", new StructValue())
                .set("integer_array", integers)
                .set("string_array", strings)
                .set("integer_dict", new LinkedHashMap<String, Object>())
                .set("string_dict", stringDict)
                .set("struct_array", structs)
                .set("struct_dict", structDict)
                .set("empty_struct_dict", new LinkedHashMap<String, Object>())
                .set("empty_struct_array", new ArrayList<>())
                .set("match", (ModuleFunction) (o, a) -> (long) matchEnd((YaraRegex) a[0], cString((byte[]) a[1])))
                .set("isum", (ModuleFunction) (o, a) -> ScanRange.integer(o == 0 ? (Long) a[0] + (Long) a[1]
                        : (Long) a[0] + (Long) a[1] + (Long) a[2]))
                .set("fsum", (ModuleFunction) (o, a) -> ScanRange.floating(o == 0 ? d(a[0]) + d(a[1])
                        : d(a[0]) + d(a[1]) + d(a[2])))
                .set("length", (ModuleFunction) (o, a) -> (long) cString((byte[]) a[0]).length)
                .set("empty", (ModuleFunction) (o, a) -> new byte[0])
                .set("foobar", (ModuleFunction) (o, a) -> switch ((int) Math.max(-1, Math.min(3, (Long) a[0]))) {
                    case 1 -> b("foo");
                    case 2 -> b("bar");
                    default -> b("oops");
                });
    }

    /**
     * YARA's {@code yr_re_match}: the number of bytes scanned up to the end of the first match, or -1. Computed
     * as the shortest prefix in which the expression is found, which is the same for expressions whose first match
     * ends at a fixed place (literals, classes, bounded repeats); greedy repeats and {@code $} can differ (YARA
     * extends a greedy match, and {@code $} matches at each prefix's end here).
     */
    static int matchEnd(YaraRegex regex, byte[] text) {
        for (int end = 0; end <= text.length; end++) {
            if (regex.find(Arrays.copyOf(text, end))) {
                return end;
            }
        }
        return -1;
    }

    private static byte[] cString(byte[] s) {
        int end = 0;
        while (end < s.length && s[end] != 0) {
            end++;
        }
        return end == s.length ? s : Arrays.copyOf(s, end);
    }

    private static double d(Object o) {
        return ((Number) o).doubleValue();
    }

    private static List<Object> sparse(int size) {
        return new ArrayList<>(Collections.nCopies(size, null));
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
