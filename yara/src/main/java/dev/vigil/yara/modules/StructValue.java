package dev.vigil.yara.modules;

import java.util.HashMap;
import java.util.Map;

/** A structure's values at run time; an absent field is undefined. Built by a module, then only read. */
public final class StructValue {
    private final Map<String, Object> values = new HashMap<>();

    /** Sets a field; {@code value} must have the runtime class {@link Type} names for the field's type. */
    public StructValue set(String field, Object value) {
        if (value != null) {
            values.put(field, value);
        }
        return this;
    }

    public StructValue set(String field, long value) {
        values.put(field, value);
        return this;
    }

    /** The value, or null when undefined. */
    public Object get(String field) {
        return values.get(field);
    }
}
