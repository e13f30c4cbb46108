package dev.vigil.yara.modules;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The static type of a module member, known when rules compile so that {@code pe.foo} or {@code math.entropy("x")}
 * is a compile error as in YARA. Runtime values: INTEGER is {@link Long}, FLOAT {@link Double}, STRING
 * {@code byte[]}, STRUCT {@link StructValue}, ARRAY {@code List<Object>}, DICT {@code Map<String, Object>} (keys
 * are the bytes as ISO-8859-1), FUNCTION {@link ModuleFunction}. {@code null} anywhere means undefined.
 */
public sealed interface Type {

    enum Primitive implements Type { INTEGER, FLOAT, STRING }

    Primitive INTEGER = Primitive.INTEGER;
    Primitive FLOAT = Primitive.FLOAT;
    Primitive STRING = Primitive.STRING;

    /** A structure; fields keep declaration order. */
    record Struct(Map<String, Type> fields) implements Type {
        public Struct {
            fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        public Type field(String name) {
            return fields.get(name);
        }
    }

    record Array(Type element) implements Type {
    }

    record Dict(Type element) implements Type {
    }

    /**
     * A function with one or more overloads.
     */
    record Function(List<Overload> overloads) implements Type {
        public Function {
            overloads = List.copyOf(overloads);
        }
    }

    /**
     * One overload. {@code arguments} has one letter per argument as YARA declares them: {@code i} integer,
     * {@code f} float, {@code s} string, {@code b} boolean (passed as {@link Boolean}), {@code r} regular
     * expression (passed as a
     * {@link dev.vigil.yara.strings.YaraRegex}); the empty string for none.
     */
    record Overload(String arguments, Type result) {
    }

    /** Builds struct types tersely: {@code Type.struct().integer("a").string("b").build()}. */
    static StructBuilder struct() {
        return new StructBuilder();
    }

    final class StructBuilder {
        private final Map<String, Type> fields = new LinkedHashMap<>();

        public StructBuilder integer(String name) {
            return field(name, INTEGER);
        }

        public StructBuilder floating(String name) {
            return field(name, FLOAT);
        }

        public StructBuilder string(String name) {
            return field(name, STRING);
        }

        public StructBuilder field(String name, Type type) {
            if (fields.putIfAbsent(name, type) != null) {
                throw new IllegalArgumentException("duplicate field " + name);
            }
            return this;
        }

        /** Adds an overload to function {@code name}, creating the function on first use. */
        public StructBuilder function(String name, String arguments, Type result) {
            Type t = fields.get(name);
            List<Overload> list = new java.util.ArrayList<>();
            if (t instanceof Function f) {
                list.addAll(f.overloads());
            } else if (t != null) {
                throw new IllegalArgumentException(name + " is not a function");
            }
            list.add(new Overload(arguments, result));
            fields.put(name, new Function(list));
            return this;
        }

        public Struct build() {
            return new Struct(fields);
        }
    }
}
