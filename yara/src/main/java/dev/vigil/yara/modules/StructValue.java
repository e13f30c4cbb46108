package dev.vigil.yara.modules;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A structure's values at run time; an absent field is undefined. Built by a module, then only read, by the one
 * scan that loaded it (reading may compute a {@linkplain #setLazy lazy} value, so reads are not thread-safe).
 */
public final class StructValue {
    private final Map<String, Object> values = new HashMap<>();

    /** A value not computed yet; distinct from every value a field may hold. */
    private record Deferred(Supplier<?> compute) {
    }

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

    /**
     * Sets a field whose value is computed on its first read (null: undefined), for values that cost much more
     * than the rest of the module and that few rules read (the Authenticode file digest). {@code compute} must be
     * a pure function of the scanned data, so that reading late gives what computing early gave.
     */
    public StructValue setLazy(String field, Supplier<?> compute) {
        values.put(field, new Deferred(compute));
        return this;
    }

    /** The value, or null when undefined. */
    public Object get(String field) {
        Object v = values.get(field);
        if (v instanceof Deferred d) {
            v = d.compute().get();
            if (v == null) {
                values.remove(field);
            } else {
                values.put(field, v);
            }
        }
        return v;
    }
}
