package dev.vigil.yara.modules.dex;

import dev.vigil.yara.modules.StructValue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses a DEX file into the values of YARA 4.5.2's dex module, following its order, bounds checks and early exits
 * (a failed check ends the parse and leaves the counts undefined). Lookups of names go through the values already
 * set, as YARA's do. Classes may share their class data, which makes the work and the copied bytes quadratic; a
 * budget per file bounds both (YARA has none), after which the parse stops.
 */
final class DexParser {
    private static final long MAX_INDEX = 0x80000;
    private static final long WORK_BUDGET = 300_000L;
    private static final long COPY_BUDGET = 256L << 20;

    private final byte[] d;
    private final long n;
    private final StructValue out;
    private long work = WORK_BUDGET;
    private long copies = COPY_BUDGET;

    DexParser(byte[] data, StructValue out) {
        this.d = data;
        this.n = data.length;
        this.out = out;
    }

    static boolean isDex(byte[] d) {
        if (d.length < 0x70) {
            return false;
        }
        if (d[0] != 'd' || d[1] != 'e' || d[2] != 'x' || d[3] != '\n' || d[4] != '0' || d[5] != '3' || d[7] != 0) {
            return false;
        }
        return d[6] >= '5' && d[6] <= '9';
    }

    private boolean fits(long p, long size) {
        return size >= 0 && size <= n && p >= 0 && p <= n - size;
    }

    private int u8(long p) {
        return p >= 0 && p < n ? d[(int) p] & 0xff : 0;
    }

    private int u16(long p) {
        return u8(p) | u8(p + 1) << 8;
    }

    private long u32(long p) {
        return (u16(p) | (long) u16(p + 2) << 16) & 0xffffffffL;
    }

    private byte[] copy(long p, long len) {
        copies -= len;
        return Arrays.copyOfRange(d, (int) p, (int) (p + len));
    }

    /** Bytes of a ULEB128 read and its value; {@code size < 0} when the data ends first. */
    private long ulebSize;

    /** YARA's bounded ULEB128 reader (at most five bytes, the fifth taken whole). */
    private int uleb(long p) {
        long ptr = p;
        if (ptr >= n) {
            ulebSize = -1;
            return 0;
        }
        int result = u8(ptr++);
        int size = 1;
        if (result > 0x7f) {
            if (ptr >= n) {
                ulebSize = -1;
                return 0;
            }
            int cur = u8(ptr++);
            size++;
            result = (result & 0x7f) | (cur & 0x7f) << 7;
            if (cur > 0x7f) {
                if (ptr >= n) {
                    ulebSize = -1;
                    return 0;
                }
                cur = u8(ptr++);
                size++;
                result |= (cur & 0x7f) << 14;
                if (cur > 0x7f) {
                    if (ptr >= n) {
                        ulebSize = -1;
                        return 0;
                    }
                    cur = u8(ptr++);
                    size++;
                    result |= (cur & 0x7f) << 21;
                    if (cur > 0x7f) {
                        if (ptr >= n) {
                            ulebSize = -1;
                            return 0;
                        }
                        cur = u8(ptr);
                        size++;
                        result |= cur << 28;
                    }
                }
            }
        }
        ulebSize = size;
        return result;
    }

    @SuppressWarnings("unchecked")
    private static StructValue item(StructValue parent, String field, long index) {
        List<Object> l = (List<Object>) parent.get(field);
        if (l == null) {
            l = new ArrayList<>();
            parent.set(field, l);
        }
        while (l.size() <= index) {
            l.add(null);
        }
        StructValue s = (StructValue) l.get((int) index);
        if (s == null) {
            s = new StructValue();
            l.set((int) index, s);
        }
        return s;
    }

    /** A value already set, by table index; null (undefined) for negative, huge or absent indexes. */
    @SuppressWarnings("unchecked")
    private Object lookup(String table, String field, Long index) {
        if (index == null || index < 0 || index > MAX_INDEX) {
            return null;
        }
        List<Object> l = (List<Object>) out.get(table);
        if (l == null || index >= l.size() || l.get((int) (long) index) == null) {
            return null;
        }
        return ((StructValue) l.get((int) (long) index)).get(field);
    }

    private Long lookupInt(String table, String field, Long index) {
        return (Long) lookup(table, field, index);
    }

    /** YARA keeps some of these lookups in a C int: values of 2^31 and above become negative (hence undefined). */
    private static Long asInt(Long v) {
        return v == null ? null : (long) (int) (long) v;
    }

    private byte[] string(Long index) {
        return (byte[]) lookup("string_ids", "value", index);
    }

    void parse() {
        StructValue header = item0("header");
        header.set("magic", copy(0, 8));
        header.set("checksum", u32(8));
        header.set("signature", copy(12, 20));
        for (int i = 0; i < DexModule.HEADER_INTEGERS.length; i++) {
            header.set(DexModule.HEADER_INTEGERS[i], u32(32 + 4L * i));
        }
        long stringIdsSize = u32(56), stringIdsOffset = u32(60);
        long typeIdsSize = u32(64), typeIdsOffset = u32(68);
        long protoIdsSize = u32(72), protoIdsOffset = u32(76);
        long fieldIdsSize = u32(80), fieldIdsOffset = u32(84);
        long methodIdsSize = u32(88), methodIdsOffset = u32(92);
        long classDefsSize = u32(96), classDefsOffset = u32(100);
        long mapOffset = u32(52);

        if (!fits(stringIdsOffset, stringIdsSize * 4)) {
            return;
        }
        for (long i = 0; i < stringIdsSize; i++) {
            long dataOffset = u32(stringIdsOffset + i * 4);
            if (!fits(dataOffset, 4)) {
                continue;
            }
            long value = uleb(dataOffset) & 0xffffffffL;
            if (ulebSize < 0) {
                continue;
            }
            // YARA takes the UTF-16 length as a byte count and the text as starting one byte in.
            if (!fits(dataOffset + 1, value) || copies - value < 0) {
                continue;
            }
            StructValue s = item(out, "string_ids", i);
            s.set("offset", dataOffset);
            s.set("size", value);
            s.set("value", copy(dataOffset + 1, value));
        }
        if (!fits(typeIdsOffset, typeIdsSize * 4)) {
            return;
        }
        for (long i = 0; i < typeIdsSize; i++) {
            item(out, "type_ids", i).set("descriptor_idx", u32(typeIdsOffset + i * 4));
        }
        if (!fits(protoIdsOffset, protoIdsSize * 12)) {
            return;
        }
        for (long i = 0; i < protoIdsSize; i++) {
            long p = protoIdsOffset + i * 12;
            StructValue s = item(out, "proto_ids", i);
            s.set("shorty_idx", u32(p));
            s.set("return_type_idx", u32(p + 4));
            s.set("parameters_offset", u32(p + 8));
        }
        if (!fits(fieldIdsOffset, fieldIdsSize * 8)) {
            return;
        }
        for (long i = 0; i < fieldIdsSize; i++) {
            long p = fieldIdsOffset + i * 8;
            StructValue s = item(out, "field_ids", i);
            s.set("class_idx", u16(p));
            s.set("type_idx", u16(p + 2));
            s.set("name_idx", u32(p + 4));
        }
        if (!fits(methodIdsOffset, methodIdsSize * 8)) {
            return;
        }
        for (long i = 0; i < methodIdsSize; i++) {
            long p = methodIdsOffset + i * 8;
            StructValue s = item(out, "method_ids", i);
            s.set("class_idx", u16(p));
            s.set("proto_idx", u16(p + 2));
            s.set("name_idx", u32(p + 4));
        }
        if (mapOffset != 0 && fits(mapOffset, 4)) {
            long size = u32(mapOffset);
            StructValue mapList = item0("map_list");
            mapList.set("size", size);
            // YARA's bounds macro expands this size unparenthesised: the end check becomes
            // offset <= length - 4 + 12 * size, so a truncated list passes and each item is checked alone.
            if (4 + size * 12 > n || mapOffset > n - 4 + size * 12) {
                return;
            }
            for (long i = 0; i < size; i++) {
                long p = mapOffset + 4 + i * 12;
                if (!fits(p, 12)) {
                    return;
                }
                StructValue s = item(mapList, "map_item", i);
                s.set("type", u16(p));
                s.set("unused", u16(p + 2));
                s.set("size", u32(p + 4));
                s.set("offset", u32(p + 8));
            }
        }
        if (!fits(classDefsOffset, classDefsSize * 32)) {
            return;
        }
        classes(classDefsOffset, classDefsSize);
    }

    private StructValue item0(String field) {
        StructValue s = (StructValue) out.get(field);
        if (s == null) {
            s = new StructValue();
            out.set(field, s);
        }
        return s;
    }

    private static final String[] CLASS_DEF_FIELDS = {"class_idx", "access_flags", "super_class_idx",
        "interfaces_offset", "source_file_idx", "annotations_offset", "class_data_offset", "static_values_offset"};

    private void classes(long offset, long count) {
        long classDataIndex = 0;
        long methodIndex = 0;
        long fieldIndex = 0;
        for (long i = 0; i < count; i++) {
            long p = offset + i * 32;
            StructValue def = item(out, "class_defs", i);
            for (int k = 0; k < CLASS_DEF_FIELDS.length; k++) {
                def.set(CLASS_DEF_FIELDS[k], u32(p + 4L * k));
            }
            long classData = u32(p + 24);
            if (classData == 0) {
                continue;
            }
            if (!fits(classData, 16) || work <= 0 || copies <= 0) {
                return;
            }
            long[] sizes = new long[4];
            long at = 0;
            for (int k = 0; k < 4; k++) {
                sizes[k] = uleb(classData + at) & 0xffffffffL;
                if (ulebSize < 0) {
                    return;
                }
                at += ulebSize;
            }
            StructValue item = item(out, "class_data_item", classDataIndex);
            item.set("static_fields_size", sizes[0]);
            item.set("instance_fields_size", sizes[1]);
            item.set("direct_methods_size", sizes[2]);
            item.set("virtual_methods_size", sizes[3]);
            for (int kind = 0; kind < 2; kind++) {
                long previous = 0;
                for (long j = 0; j < sizes[kind] && work-- > 0; j++) {
                    long[] state = {previous};
                    long used = field(classData + at, state, fieldIndex, kind == 0);
                    previous = state[0];
                    if (used == 0) {
                        break;
                    }
                    at += used;
                    fieldIndex++;
                }
            }
            for (int kind = 0; kind < 2; kind++) {
                long previous = 0;
                for (long j = 0; j < sizes[2 + kind] && work-- > 0 && copies > 0; j++) {
                    long[] state = {previous};
                    long used = method(classData + at, state, methodIndex, kind == 0);
                    previous = state[0];
                    if (used == 0) {
                        break;
                    }
                    at += used;
                    methodIndex++;
                }
            }
            classDataIndex++;
        }
        out.set("number_of_methods", methodIndex);
        out.set("number_of_fields", fieldIndex);
    }

    /** One encoded_field; returns the bytes it took, 0 when it cannot be read (the class's field list ends). */
    private long field(long start, long[] previous, long index, boolean isStatic) {
        if (!fits(start, 8)) {
            return 0;
        }
        long used = 0;
        long diff = uleb(start) & 0xffffffffL;
        if (ulebSize < 0) {
            return 0;
        }
        used += ulebSize;
        long flags = uleb(start + used) & 0xffffffffL;
        if (ulebSize < 0) {
            return 0;
        }
        used += ulebSize;
        StructValue f = item(out, "field", index);
        f.set("field_idx_diff", diff);
        f.set("access_flags", flags);
        f.set("static", isStatic ? 1 : 0);
        f.set("instance", isStatic ? 0 : 1);
        previous[0] = (previous[0] + diff) & 0xffffffffL;
        Long fieldIdx = previous[0];
        Long nameIdx = lookupInt("field_ids", "name_idx", fieldIdx);
        if (nameIdx == null) {
            return 0;
        }
        f.set("name", string(nameIdx));
        Long classIdx = lookupInt("field_ids", "class_idx", fieldIdx);
        f.set("class_name", string(lookupInt("type_ids", "descriptor_idx", classIdx)));
        Long typeIdx = asInt(lookupInt("field_ids", "type_idx", fieldIdx));
        f.set("proto", string(asInt(lookupInt("type_ids", "descriptor_idx", typeIdx))));
        return used;
    }

    /** One encoded_method; returns the bytes it took, 0 when it cannot be read (the class's method list ends). */
    private long method(long start, long[] previous, long index, boolean direct) {
        if (!fits(start, 12)) {
            return 0;
        }
        long used = 0;
        long[] v = new long[3];
        for (int k = 0; k < 3; k++) {
            v[k] = uleb(start + used) & 0xffffffffL;
            if (ulebSize < 0) {
                return 0;
            }
            used += ulebSize;
        }
        StructValue m = item(out, "method", index);
        m.set("method_idx_diff", v[0]);
        m.set("access_flags", v[1]);
        m.set("code_off", v[2]);
        m.set("direct", direct ? 1 : 0);
        m.set("virtual", direct ? 0 : 1);
        previous[0] = (previous[0] + v[0]) & 0xffffffffL;
        Long methodIdx = previous[0];
        Long nameIdx = lookupInt("method_ids", "name_idx", methodIdx);
        if (nameIdx == null) {
            return 0;
        }
        m.set("name", string(nameIdx));
        Long classIdx = lookupInt("method_ids", "class_idx", methodIdx);
        m.set("class_name", string(lookupInt("type_ids", "descriptor_idx", classIdx)));
        Long protoIdx = lookupInt("method_ids", "proto_idx", methodIdx);
        m.set("proto", string(lookupInt("proto_ids", "shorty_idx", protoIdx)));
        long codeOff = v[2];
        if (codeOff != 0 && fits(codeOff, 16)) {
            StructValue code = (StructValue) m.get("code_item");
            if (code == null) {
                code = new StructValue();
                m.set("code_item", code);
            }
            code.set("registers_size", u16(codeOff));
            code.set("ins_size", u16(codeOff + 2));
            code.set("outs_size", u16(codeOff + 4));
            code.set("tries_size", u16(codeOff + 6));
            code.set("debug_info_off", u32(codeOff + 8));
            long insnsSize = u32(codeOff + 12);
            code.set("insns_size", insnsSize);
            long bytes = insnsSize * 2;
            if (fits(codeOff + 16, bytes)) {
                code.set("insns", copy(codeOff + 16, bytes));
            }
        }
        return used;
    }
}
