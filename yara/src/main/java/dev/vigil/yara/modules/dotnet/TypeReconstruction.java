package dev.vigil.yara.modules.dotnet;

import static dev.vigil.yara.modules.dotnet.CliMetadata.*;

import dev.vigil.yara.modules.StructValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Rebuilds {@code dotnet.classes}: TypeDef rows with their names, nesting, generic parameters, base types and methods
 * with signatures decoded to C#-like type names, following YARA 4.5.2's rules (and its limits) exactly.
 *
 * <p>YARA scans the NestedClass, InterfaceImpl and GenericParam tables linearly for every lookup; the lookups here
 * use maps built once, which give the same first-match results. Signature decoding can fan out exponentially on
 * hostile TypeSpecs, and overlapping method lists can repeat methods quadratically; budgets per file bound both
 * (YARA has none), after which decoding yields undefined and no further methods are listed.
 */
final class TypeReconstruction {
    private static final int MAX_ARRAY_RANK = 50;
    private static final long MAX_PARAM_COUNT = 2000;
    private static final long MAX_GEN_PARAM_COUNT = 1000;
    private static final long MAX_METHOD_COUNT = 20000;
    private static final int MAX_TYPE_DEPTH = 0x10;
    private static final int MAX_NAMESPACE_DEPTH = 0x0a;
    private static final long WORK_BUDGET = 50_000_000L;
    /** Methods and parameters emitted per file; real assemblies stay far below (System.Data.dll: 11,939 methods). */
    private static final long OUTPUT_BUDGET = 250_000L;

    private final CliMetadata m;
    private final Bytes b;
    private final StructValue out;
    private long budget = WORK_BUDGET;
    private long output = OUTPUT_BUDGET;

    private Map<Long, long[]> enclosingOf;
    private Map<Long, List<Long>> interfacesOf;
    private Map<Long, List<String>> genericParamsOf;

    TypeReconstruction(CliMetadata m) {
        this.m = m;
        this.b = m.b;
        this.out = m.out;
    }

    /** Position of row {@code index} (1-based) of {@code table}, or -1. */
    private long row(int table, long index) {
        if (index < 1 || index > m.tableRows[table]) {
            return -1;
        }
        return m.tableOffset[table] + m.tableRowSize[table] * (index - 1);
    }

    private boolean readable(int table, long row) {
        return b.fits(row, m.tableRowSize[table]);
    }

    private int codedByTables(int tagBits, int... tables) {
        long max = 0;
        for (int t : tables) {
            max = Math.max(max, m.tableRows[t]);
        }
        return max > (0xffff >> tagBits) ? 4 : 2;
    }

    private record TypeDef(long flags, long name, long namespace, long extends_, long method) {
    }

    private TypeDef typedef(long row) {
        if (!readable(TYPEDEF, row)) {
            return null;
        }
        int s = m.stringIndex;
        int ext = codedByTables(2, TYPEDEF, TYPEREF, TYPESPEC);
        long p = row;
        long flags = b.u32(p);
        p += 4;
        long name = b.index(p, s);
        p += s;
        long ns = b.index(p, s);
        p += s;
        long extends_ = b.index(p, ext);
        p += ext + m.indexSize[FIELD];
        long method = b.index(p, m.indexSize[METHODDEF]);
        return new TypeDef(flags, name, ns, extends_, method);
    }

    private static boolean isNested(long flags) {
        return (flags & 7) >= 2;
    }

    private static String typeVisibility(long flags) {
        return switch ((int) (flags & 7)) {
            case 1, 2 -> "public";
            case 4 -> "protected";
            case 0, 5 -> "internal";
            case 6 -> "private protected";
            case 7 -> "protected internal";
            default -> "private";
        };
    }

    private static String methodVisibility(int flags) {
        return switch (flags & 7) {
            case 2 -> "private protected";
            case 3 -> "internal";
            case 4 -> "protected";
            case 5 -> "protected internal";
            case 6 -> "public";
            default -> "private";
        };
    }

    private static String cutAtBacktick(String s) {
        int i = s.indexOf('`');
        return i >= 0 ? s.substring(0, i) : s;
    }

    /** YARA's create_full_name: "namespace.name" cut at the first backtick, with its handling of empty parts. */
    private static String fullName(String name, String namespace) {
        if (name == null || name.isEmpty()) {
            return namespace;
        }
        if (namespace == null || namespace.isEmpty()) {
            return cutAtBacktick(name);
        }
        return cutAtBacktick(namespace + "." + name);
    }

    // ---- lookups built once

    private void buildLookups() {
        enclosingOf = new HashMap<>();
        long nested = m.tableRows[NESTEDCLASS];
        int t = m.indexSize[TYPEDEF];
        for (long i = 1; i <= nested; i++) {
            long r = row(NESTEDCLASS, i);
            if (!readable(NESTEDCLASS, r)) {
                continue;
            }
            enclosingOf.putIfAbsent(b.index(r, t), new long[] {b.index(r + t, t)});
        }
        interfacesOf = new HashMap<>();
        int iface = codedByTables(2, TYPEDEF, TYPEREF, TYPESPEC);
        for (long i = 1; i <= m.tableRows[INTERFACEIMPL]; i++) {
            long r = row(INTERFACEIMPL, i);
            if (!readable(INTERFACEIMPL, r)) {
                continue;
            }
            interfacesOf.computeIfAbsent(b.index(r, t), k -> new ArrayList<>()).add(b.index(r + t, iface));
        }
        genericParamsOf = new HashMap<>();
        int owner = codedByTables(1, TYPEDEF, METHODDEF);
        Map<Long, Boolean> broken = new HashMap<>();
        for (long i = 1; i <= m.tableRows[GENERICPARAM]; i++) {
            long r = row(GENERICPARAM, i);
            if (!readable(GENERICPARAM, r)) {
                continue;
            }
            long key = b.index(r + 4, owner);
            if (broken.containsKey(key)) {
                continue;
            }
            String name = m.string(b.index(r + 4 + owner, m.stringIndex));
            if (name == null || name.isEmpty()) {
                // YARA drops every parameter of an owner once one of them has no name.
                broken.put(key, true);
                genericParamsOf.remove(key);
                continue;
            }
            genericParamsOf.computeIfAbsent(key, k -> new ArrayList<>()).add(name);
        }
        for (Long key : broken.keySet()) {
            genericParamsOf.put(key, List.of());
        }
    }

    private List<String> genericParams(boolean method, long index) {
        List<String> l = genericParamsOf.get(index << 1 | (method ? 1 : 0));
        return l == null ? List.of() : l;
    }

    private String enclosingTypes(long nestedIndex, int depth) {
        if (depth > MAX_NAMESPACE_DEPTH) {
            return null;
        }
        long[] enclosing = enclosingOf.get(nestedIndex);
        if (enclosing == null) {
            return null;
        }
        TypeDef def = typedef(row(TYPEDEF, enclosing[0]));
        if (def == null) {
            return null;
        }
        String name = m.string(def.name);
        if ("<Module>".equals(name)) {
            return null;
        }
        String namespace = m.string(def.namespace);
        if (isNested(def.flags) && enclosing[0] != nestedIndex) {
            String outer = enclosingTypes(enclosing[0], depth + 1);
            return fullName(name, fullName(namespace, outer));
        }
        return fullName(name, namespace);
    }

    // ---- signatures

    /** A read position inside one signature blob and the bytes left in it. */
    private static final class Cursor {
        long pos;
        long len;

        Cursor(long pos, long len) {
            this.pos = pos;
            this.len = len;
        }
    }

    private long unsigned(Cursor c) {
        if (c.len < 1) {
            return 0;
        }
        int first = b.u8(c.pos);
        if ((first & 0x80) == 0) {
            c.pos++;
            c.len--;
            return first;
        }
        if (c.len < 2) {
            return 0;
        }
        if ((first & 0xc0) == 0x80) {
            long v = (first << 8 | b.u8(c.pos + 1)) & 0x3fff;
            c.pos += 2;
            c.len -= 2;
            return v;
        }
        if (c.len < 4) {
            return 0;
        }
        if ((first & 0xe0) == 0xc0) {
            long v = ((long) first << 24 | b.u8(c.pos + 1) << 16 | b.u8(c.pos + 2) << 8 | b.u8(c.pos + 3))
                    & 0x1fffffff;
            c.pos += 4;
            c.len -= 4;
            return v;
        }
        return 0;
    }

    private int signed(Cursor c) {
        if (c.len < 1) {
            return 0;
        }
        int first = b.u8(c.pos);
        if ((first & 0x80) == 0) {
            int v = first >> 1;
            if ((first & 1) != 0) {
                v = (byte) (v | 0xc0);
            }
            c.pos++;
            c.len--;
            return v;
        }
        if (c.len < 2) {
            return 0;
        }
        if ((first & 0xc0) == 0x80) {
            int raw = first << 8 | b.u8(c.pos + 1);
            int v = (raw >> 1) & 0x3fff;
            if ((raw & 1) != 0) {
                v = (short) (v | 0xe000);
            }
            c.pos += 2;
            c.len -= 2;
            return v;
        }
        if (c.len < 4) {
            return 0;
        }
        if ((first & 0xe0) == 0xc0) {
            int raw = first << 24 | b.u8(c.pos + 1) << 16 | b.u8(c.pos + 2) << 8 | b.u8(c.pos + 3);
            int v = (raw >>> 1) & 0x1fffffff;
            if ((raw & 1) != 0) {
                v |= 0xf0000000;
            }
            c.pos += 4;
            c.len -= 4;
            return v;
        }
        return 0;
    }

    private String charge(String s) {
        if (s != null) {
            budget -= s.length();
        }
        return s;
    }

    private String typeDefOrRefName(long coded, List<String> classGen, List<String> methodGen, int depth) {
        long index = coded >>> 2;
        if (index == 0) {
            return null;
        }
        switch ((int) (coded & 3)) {
            case 0 -> {
                TypeDef def = typedef(row(TYPEDEF, index));
                if (def == null) {
                    return null;
                }
                String name = m.string(def.name);
                String namespace = m.string(def.namespace);
                if (isNested(def.flags)) {
                    return fullName(name, fullName(namespace, enclosingTypes(index, 1)));
                }
                return fullName(name, namespace);
            }
            case 1 -> {
                long r = row(TYPEREF, index);
                if (!readable(TYPEREF, r)) {
                    return null;
                }
                long p = r + codedByTables(2, MODULE, MODULEREF, ASSEMBLYREF, TYPEREF);
                String name = m.string(b.index(p, m.stringIndex));
                String namespace = m.string(b.index(p + m.stringIndex, m.stringIndex));
                return fullName(name, namespace);
            }
            case 2 -> {
                long r = row(TYPESPEC, index);
                if (!readable(TYPESPEC, r)) {
                    return null;
                }
                long sig = m.blobHeap + b.index(r, m.blobIndex);
                long entry = m.blobEntry(sig);
                if (blobSize(entry) == 0) {
                    return null;
                }
                // YARA does not pass the method's generic parameters through a TypeSpec.
                return signatureType(new Cursor(sig + blobSize(entry), blobLength(entry)), classGen, null, depth);
            }
            default -> {
                return null;
            }
        }
    }

    private static final String[] SIMPLE = new String[0x20];

    static {
        SIMPLE[0x01] = "void";
        SIMPLE[0x02] = "bool";
        SIMPLE[0x03] = "char";
        SIMPLE[0x04] = "sbyte";
        SIMPLE[0x05] = "byte";
        SIMPLE[0x06] = "short";
        SIMPLE[0x07] = "ushort";
        SIMPLE[0x08] = "int";
        SIMPLE[0x09] = "uint";
        SIMPLE[0x0a] = "long";
        SIMPLE[0x0b] = "ulong";
        SIMPLE[0x0c] = "float";
        SIMPLE[0x0d] = "double";
        SIMPLE[0x0e] = "string";
        SIMPLE[0x16] = "TypedReference";
        SIMPLE[0x18] = "IntPtr";
        SIMPLE[0x19] = "UIntPtr";
        SIMPLE[0x1c] = "object";
    }

    /** Decodes one type of a signature (ECMA-335 II.23.2.12) into YARA's C#-like spelling, or null. */
    private String signatureType(Cursor c, List<String> classGen, List<String> methodGen, int depth) {
        if (c.len < 1 || !b.fits(c.pos, 1) || depth > MAX_TYPE_DEPTH || --budget < 0) {
            return null;
        }
        int type = b.u8(c.pos);
        c.pos++;
        c.len--;
        if (type < SIMPLE.length && SIMPLE[type] != null) {
            return SIMPLE[type];
        }
        switch (type) {
            case 0x0f -> {
                String t = signatureType(c, classGen, methodGen, depth + 1);
                return t == null ? null : charge("Ptr<" + t + ">");
            }
            case 0x10 -> {
                String t = signatureType(c, classGen, methodGen, depth + 1);
                return t == null ? null : charge("ref " + t);
            }
            case 0x11, 0x12 -> {
                return typeDefOrRefName(unsigned(c), classGen, methodGen, depth + 1);
            }
            case 0x13, 0x1e -> {
                long index = unsigned(c);
                List<String> params = type == 0x13 ? classGen : methodGen;
                return params != null && index < params.size() ? params.get((int) index) : null;
            }
            case 0x14 -> {
                return arrayType(c, classGen, methodGen, depth);
            }
            case 0x15 -> {
                String t = signatureType(c, classGen, methodGen, depth + 1);
                if (t == null) {
                    return null;
                }
                long count = unsigned(c);
                if (count > MAX_GEN_PARAM_COUNT) {
                    return null;
                }
                StringBuilder s = new StringBuilder(t).append('<');
                for (int i = 0; i < count; i++) {
                    String p = signatureType(c, classGen, methodGen, depth + 1);
                    if (p != null) {
                        if (i > 0) {
                            s.append(',');
                        }
                        s.append(p);
                    }
                }
                return charge(s.append('>').toString());
            }
            case 0x1b -> {
                if (c.len <= 0) {
                    return null;
                }
                c.pos++;
                c.len--;
                long count = unsigned(c);
                if (count > MAX_PARAM_COUNT) {
                    return null;
                }
                String ret = signatureType(c, classGen, methodGen, depth + 1);
                if (ret == null) {
                    return null;
                }
                StringBuilder s = new StringBuilder("FnPtr<").append(ret).append('(');
                for (int i = 0; i < count; i++) {
                    String p = signatureType(c, classGen, methodGen, depth + 1);
                    if (p != null) {
                        if (i > 0) {
                            s.append(", ");
                        }
                        s.append(p);
                    }
                }
                return charge(s.append(")>").toString());
            }
            case 0x1d -> {
                String t = signatureType(c, classGen, methodGen, depth + 1);
                return t == null ? null : charge(t + "[]");
            }
            case 0x1f, 0x20 -> {
                // Custom modifiers are skipped.
                unsigned(c);
                return signatureType(c, classGen, methodGen, depth + 1);
            }
            default -> {
                return null;
            }
        }
    }

    private String arrayType(Cursor c, List<String> classGen, List<String> methodGen, int depth) {
        String t = signatureType(c, classGen, methodGen, depth + 1);
        if (t == null) {
            return null;
        }
        long rank = unsigned(c);
        if (rank == 0 || rank > MAX_ARRAY_RANK) {
            return null;
        }
        long numSizes = unsigned(c);
        if (numSizes > rank) {
            return null;
        }
        int[] sizes = new int[(int) numSizes];
        for (int i = 0; i < numSizes; i++) {
            sizes[i] = (int) unsigned(c);
        }
        long numLow = unsigned(c);
        if (numLow > rank) {
            return null;
        }
        int[] low = new int[(int) numLow];
        for (int i = 0; i < numLow; i++) {
            low[i] = signed(c);
            if (numSizes > i && low[i] != 0) {
                sizes[i] += low[i] - 1;
            }
        }
        StringBuilder s = new StringBuilder(t).append('[');
        for (int i = 0; i < rank; i++) {
            if (numLow > i && low[i] != 0) {
                s.append(low[i]).append("...");
            }
            if (numSizes > i) {
                s.append(sizes[i]);
            }
            if (i + 1 != rank) {
                s.append(',');
            }
        }
        return charge(s.append(']').toString());
    }

    // ---- classes and methods

    void parseUserTypes() {
        buildLookups();
        int outIndex = 0;
        long count = m.tableRows[TYPEDEF];
        for (long idx = 0; idx < count && budget > 0; idx++) {
            TypeDef def = typedef(row(TYPEDEF, idx + 1));
            if (def == null) {
                continue;
            }
            String name = m.string(def.name);
            String type = (def.flags & 0x20) != 0 ? "interface" : "class";
            if (name == null || name.isEmpty() || name.indexOf('`') == 0 || name.equals("<Module>")) {
                continue;
            }
            StructValue cls = Values.struct(out, "classes", outIndex);
            cls.set("name", Bytes.bytes(cutAtBacktick(name)));
            String namespace = m.string(def.namespace);
            if (isNested(def.flags)) {
                namespace = fullName(namespace, enclosingTypes(idx + 1, 1));
            }
            cls.set("namespace", Bytes.bytes(namespace));
            cls.set("fullname", Bytes.bytes(fullName(name, namespace)));
            cls.set("visibility", Bytes.bytes(typeVisibility(def.flags)));
            cls.set("type", Bytes.bytes(type));
            cls.set("abstract", (def.flags & 0x80) != 0 ? 1 : 0);
            cls.set("sealed", (def.flags & 0x100) != 0 ? 1 : 0);

            List<String> generics = genericParams(false, idx + 1);
            cls.set("number_of_generic_parameters", generics.size());
            for (int i = 0; i < generics.size(); i++) {
                Values.item(cls, "generic_parameters", i, Bytes.bytes(generics.get(i)));
            }
            baseTypes(cls, def.extends_, idx + 1, generics);

            long methodCount = 0;
            if (idx + 1 < count) {
                TypeDef next = typedef(row(TYPEDEF, idx + 2));
                if (next != null && next.method >= def.method) {
                    methodCount = next.method - def.method;
                }
            } else if (m.tableRows[METHODDEF] >= def.method) {
                methodCount = m.tableRows[METHODDEF] + 1 - def.method;
            }
            if (methodCount <= MAX_METHOD_COUNT) {
                methods(cls, def.method, methodCount, generics);
            }
            outIndex++;
        }
        out.set("number_of_classes", outIndex);
    }

    private void baseTypes(StructValue cls, long extends_, long typeIndex, List<String> generics) {
        int n = 0;
        String parent = typeDefOrRefName(extends_, generics, null, 0);
        if (parent != null) {
            Values.item(cls, "base_types", n++, Bytes.bytes(parent));
        }
        for (long iface : interfacesOf.getOrDefault(typeIndex, List.of())) {
            String name = typeDefOrRefName(iface, generics, null, 0);
            if (name != null) {
                Values.item(cls, "base_types", n++, Bytes.bytes(name));
            }
        }
        cls.set("number_of_base_types", n);
    }

    private void methods(StructValue cls, long methodList, long count, List<String> classGen) {
        if (methodList == 0) {
            return;
        }
        int outIndex = 0;
        for (long idx = 0; idx < count && budget > 0 && output > 0; idx++) {
            long index = (methodList + idx) & 0xffffffffL;
            long r = row(METHODDEF, index);
            if (r < 0) {
                break;
            }
            if (!readable(METHODDEF, r)) {
                continue;
            }
            int s = m.stringIndex;
            int flags = b.u16(r + 6);
            String name = m.string(b.index(r + 8, s));
            long signature = b.index(r + 8 + s, m.blobIndex);
            long paramList = b.index(r + 8 + s + m.blobIndex, m.indexSize[PARAM]);
            if (name == null || name.isEmpty()) {
                continue;
            }
            List<String> methodGen = genericParams(true, index);
            long sig = m.blobHeap + signature;
            long entry = m.blobEntry(sig);
            if (blobSize(entry) == 0 || blobLength(entry) < 3) {
                continue;
            }
            Cursor c = new Cursor(sig + blobSize(entry), blobLength(entry));
            int sigFlags = b.u8(c.pos);
            c.pos++;
            c.len--;
            if ((sigFlags & 0x10) != 0) {
                unsigned(c);
            }
            long paramCount = unsigned(c);
            String returnType = signatureType(c, classGen, methodGen, 0);
            if (returnType == null || paramCount > MAX_PARAM_COUNT) {
                continue;
            }
            List<String[]> params = parameters(paramList, paramCount, c, classGen, methodGen);
            if (params == null) {
                continue;
            }
            StructValue method = Values.struct(cls, "methods", outIndex);
            if (paramList != 0) {
                method.set("number_of_parameters", paramCount);
                for (int i = 0; i < params.size(); i++) {
                    StructValue p = Values.struct(method, "parameters", i);
                    p.set("name", Bytes.bytes(params.get(i)[0]));
                    p.set("type", Bytes.bytes(params.get(i)[1]));
                }
            }
            method.set("name", Bytes.bytes(name));
            method.set("visibility", Bytes.bytes(methodVisibility(flags)));
            method.set("static", (flags & 0x10) != 0 ? 1 : 0);
            method.set("virtual", (flags & 0x40) != 0 ? 1 : 0);
            method.set("final", (flags & 0x20) != 0 ? 1 : 0);
            method.set("abstract", (flags & 0x400) != 0 ? 1 : 0);
            method.set("number_of_generic_parameters", methodGen.size());
            for (int i = 0; i < methodGen.size(); i++) {
                Values.item(method, "generic_parameters", i, Bytes.bytes(methodGen.get(i)));
            }
            // Constructors have no return type, as in YARA.
            if (!name.equals(".ctor") && !name.equals(".cctor")) {
                method.set("return_type", Bytes.bytes(returnType));
            }
            outIndex++;
            output -= 1 + params.size();
        }
        cls.set("number_of_methods", outIndex);
    }

    /** Name and type of each parameter, or null when one of them cannot be decoded (the method is then dropped). */
    private List<String[]> parameters(long paramList, long count, Cursor c, List<String> classGen,
            List<String> methodGen) {
        List<String[]> params = new ArrayList<>();
        if (paramList == 0) {
            return params;
        }
        for (long idx = 0; idx < count; idx++) {
            long r = row(PARAM, (paramList + idx) & 0xffffffffL);
            String name;
            if (r >= 0) {
                if (!readable(PARAM, r)) {
                    return null;
                }
                name = m.string(b.index(r + 4, m.stringIndex));
            } else {
                // No Param row: the name is made up from the position, as YARA does.
                name = "P_" + idx;
            }
            String type = signatureType(c, classGen, methodGen, 0);
            if (type == null) {
                return null;
            }
            params.add(new String[] {name, type});
        }
        return params;
    }
}
