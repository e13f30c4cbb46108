package dev.vigil.yara.modules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Module values as sorted {@code path = value} lines, in the value syntax of {@code yara -D}, so that a module can be
 * compared with YARA's own output for the same file ({@link #flattenYaraOutput}). Undefined leaves print as
 * {@code YR_UNDEFINED} ({@code nan} for floats); functions are not printed (YARA does not print them either).
 */
public final class ModuleDump {

    private ModuleDump() {
    }

    /** The values of {@code module} as sorted lines, e.g. {@code pe.sections[0].name = ".text"}. */
    public static List<String> flatten(String module, Type.Struct schema, StructValue value) {
        List<String> out = new ArrayList<>();
        struct(module, schema, value, out);
        out.sort(null);
        return out;
    }

    private static void struct(String path, Type.Struct schema, StructValue value, List<String> out) {
        for (Map.Entry<String, Type> f : schema.fields().entrySet()) {
            Object v = value == null ? null : value.get(f.getKey());
            node(path + "." + f.getKey(), f.getValue(), v, out);
        }
    }

    @SuppressWarnings("unchecked")
    private static void node(String path, Type type, Object v, List<String> out) {
        switch (type) {
            case Type.Primitive p -> out.add(path + " = " + leaf(p, v));
            case Type.Struct s -> struct(path, s, (StructValue) v, out);
            case Type.Array a -> {
                if (v != null) {
                    List<Object> items = (List<Object>) v;
                    for (int i = 0; i < items.size(); i++) {
                        if (items.get(i) != null) {
                            node(path + "[" + i + "]", a.element(), items.get(i), out);
                        }
                    }
                }
            }
            case Type.Dict d -> {
                if (v != null) {
                    for (Map.Entry<String, Object> e : ((Map<String, Object>) v).entrySet()) {
                        node(path + "." + e.getKey(), d.element(), e.getValue(), out);
                    }
                }
            }
            case Type.Function fn -> {
            }
        }
    }

    private static String leaf(Type.Primitive p, Object v) {
        if (v == null) {
            // YARA keeps an undefined float as NaN and prints it as such
            return p == Type.Primitive.FLOAT ? "nan" : "YR_UNDEFINED";
        }
        return switch (p) {
            case INTEGER -> Long.toString((Long) v);
            case FLOAT -> dev.vigil.yara.modules.console.CFormat.fixed6((Double) v);
            case STRING -> quote((byte[]) v);
        };
    }

    /** YARA's quoting: printable ASCII as is, every other byte as {@code \xNN}. */
    public static String quote(byte[] s) {
        StringBuilder b = new StringBuilder(s.length + 2).append('"');
        for (byte x : s) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f) {
                b.append((char) c);
            } else {
                b.append(String.format("\\x%02x", c));
            }
        }
        return b.append('"').toString();
    }

    /**
     * Flattens the output of {@code yara -D} (tab-indented tree) into the same sorted {@code path = value} lines,
     * for the modules in it. Array items become {@code [i]}; dictionary keys print bare in {@code yara -D}, like
     * members, so both methods write them as {@code .key}.
     */
    public static List<String> flattenYaraOutput(String output) {
        List<String> out = new ArrayList<>();
        List<String> stack = new ArrayList<>();
        for (String line : output.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            int depth = 0;
            while (depth < line.length() && line.charAt(depth) == '\t') {
                depth++;
            }
            String text = line.substring(depth);
            int eq = text.indexOf(" = ");
            String name = eq >= 0 ? text.substring(0, eq) : text;
            while (stack.size() > depth) {
                stack.remove(stack.size() - 1);
            }
            String parent = String.join("", stack);
            boolean item = name.startsWith("[") && name.endsWith("]");
            String key = depth == 0 ? name : (item ? name : "." + name);
            if (eq >= 0) {
                out.add(parent + key + " = " + text.substring(eq + 3));
            } else {
                stack.add(key);
            }
        }
        out.sort(null);
        return out;
    }
}
