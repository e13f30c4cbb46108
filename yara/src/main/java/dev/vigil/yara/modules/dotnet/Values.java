package dev.vigil.yara.modules.dotnet;

import dev.vigil.yara.modules.StructValue;
import java.util.ArrayList;
import java.util.List;

/** Filling arrays of a {@link StructValue} by index, as YARA's {@code name[%i]} setters do (gaps stay undefined). */
final class Values {
    private Values() {
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(StructValue parent, String field) {
        Object v = parent.get(field);
        if (v == null) {
            v = new ArrayList<>();
            parent.set(field, v);
        }
        return (List<Object>) v;
    }

    /** Sets item {@code index}; a null value leaves it as it is. */
    static void item(StructValue parent, String field, int index, Object value) {
        List<Object> l = list(parent, field);
        while (l.size() <= index) {
            l.add(null);
        }
        if (value != null) {
            l.set(index, value);
        }
    }

    /** The structure at {@code index}, created (with every member undefined) when absent. */
    static StructValue struct(StructValue parent, String field, int index) {
        List<Object> l = list(parent, field);
        while (l.size() <= index) {
            l.add(null);
        }
        StructValue s = (StructValue) l.get(index);
        if (s == null) {
            s = new StructValue();
            l.set(index, s);
        }
        return s;
    }

    /** The nested structure {@code field}, created when absent. */
    static StructValue struct(StructValue parent, String field) {
        StructValue s = (StructValue) parent.get(field);
        if (s == null) {
            s = new StructValue();
            parent.set(field, s);
        }
        return s;
    }
}
