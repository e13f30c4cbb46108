package dev.vigil.engine.exe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds small PE32 (or PE32+) files with a hand-laid import table and optionally version information in an
 * {@code .idata} section, for tests of the import-table text and {@code VI} offsets. Layout: headers to 0x400, {@code .text} at RVA 0x1000 (file 0x400), {@code .idata} at RVA 0x2000
 * (file 0x600, {@link #IDATA_SIZE} bytes); descriptors at the start of {@code .idata}, names and thunks after them.
 */
final class SmallPeBuilder {
    static final int IDATA_RVA = 0x2000;
    static final int IDATA_RAW = 0x600;
    static final int IDATA_SIZE = 0xa00;
    private static final int DESCRIPTOR_AREA = 20 * 16;

    private final ByteBuffer b;
    private final boolean plus;
    private int cursor = DESCRIPTOR_AREA;
    private int descriptors;

    SmallPeBuilder(boolean plus) {
        this.plus = plus;
        b = ByteBuffer.allocate(IDATA_RAW + IDATA_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 'M').put(1, (byte) 'Z');
        int lfanew = 0x80;
        b.putInt(60, lfanew);
        int optSize = plus ? 240 : 224;
        b.putInt(lfanew, 0x00004550);
        b.putShort(lfanew + 4, (short) (plus ? 0x8664 : 0x14c));
        b.putShort(lfanew + 6, (short) 2);
        b.putShort(lfanew + 20, (short) optSize);
        b.putShort(lfanew + 22, (short) 0x0102);
        int opt = lfanew + 24;
        b.putShort(opt, (short) (plus ? 0x20b : 0x10b));
        b.putInt(opt + 16, 0x1000);
        b.putInt(opt + 32, 0x1000);
        b.putInt(opt + 36, 0x200);
        b.putInt(opt + 56, 0x3000 + IDATA_SIZE);
        b.putInt(opt + 60, 0x400);
        b.putShort(opt + 68, (short) 3);
        b.putInt(opt + (plus ? 108 : 92), 16);
        int sec = opt + optSize;
        section(sec, ".text", 0x200, 0x1000, 0x200, 0x400);
        section(sec + 40, ".idata", IDATA_SIZE, IDATA_RVA, IDATA_SIZE, IDATA_RAW);
        b.put(0x400, (byte) 0xc3);
        importDirectory(IDATA_RVA, DESCRIPTOR_AREA);
    }

    private void section(int at, String name, int vsize, int va, int rawSize, int rawPtr) {
        for (int i = 0; i < name.length(); i++) {
            b.put(at + i, (byte) name.charAt(i));
        }
        b.putInt(at + 8, vsize);
        b.putInt(at + 12, va);
        b.putInt(at + 16, rawSize);
        b.putInt(at + 20, rawPtr);
        b.putInt(at + 36, 0xc0000040);
    }

    private int dataDirectory(int index) {
        return 0x80 + 24 + (plus ? 112 : 96) + 8 * index;
    }

    SmallPeBuilder importDirectory(int rva, int size) {
        b.putInt(dataDirectory(1), rva);
        b.putInt(dataDirectory(1) + 4, size);
        return this;
    }

    /** A NUL-terminated string in {@code .idata}; returns its RVA. */
    int string(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
        int at = cursor;
        b.put(IDATA_RAW + at, bytes);
        cursor += bytes.length + 1;
        cursor = (cursor + 1) & ~1;
        return IDATA_RVA + at;
    }

    /** A hint/name entry; returns its RVA. */
    int hintName(String name) {
        int at = cursor;
        b.putShort(IDATA_RAW + at, (short) 7);
        cursor += 2;
        string(name);
        return IDATA_RVA + at;
    }

    /** A zero-terminated thunk array of 32-bit (or 64-bit for PE32+) values; returns its RVA. */
    int thunks(long... values) {
        int width = plus ? 8 : 4;
        int at = cursor;
        for (long v : values) {
            if (plus) {
                b.putLong(IDATA_RAW + cursor, v);
            } else {
                b.putInt(IDATA_RAW + cursor, (int) v);
            }
            cursor += width;
        }
        cursor += width;
        return IDATA_RVA + at;
    }

    SmallPeBuilder descriptor(int originalFirstThunk, int nameRva, int firstThunk) {
        int at = IDATA_RAW + 20 * descriptors++;
        b.putInt(at, originalFirstThunk);
        b.putInt(at + 12, nameRva);
        b.putInt(at + 16, firstThunk);
        return this;
    }

    /** A DLL whose imports are names (String) or ordinals (Integer), with identical lookup and address tables. */
    SmallPeBuilder dll(String name, Object... imports) {
        long[] values = new long[imports.length];
        for (int i = 0; i < imports.length; i++) {
            values[i] = imports[i] instanceof Integer ord
                    ? (plus ? Long.MIN_VALUE : 0x80000000L) | ord
                    : hintName((String) imports[i]);
        }
        int nameRva = string(name);
        return descriptor(thunks(values), nameRva, thunks(values));
    }

    /**
     * A resource tree holding one {@code RT_VERSION} resource whose string table has the given key/value pairs, and
     * the resource data directory pointing at it. Returns the file offsets of the keys.
     */
    long[] versionInfo(String... keysAndValues) {
        align(4);
        int root = cursor;
        // Root (one ID entry: RT_VERSION) -> names (ID 1) -> languages (0x409) -> data entry.
        putDirectory(root, 16, 0x80000000 | 0x18);
        putDirectory(root + 0x18, 1, 0x80000000 | 0x30);
        putDirectory(root + 0x30, 0x409, 0x48);
        int data = root + 0x58;
        cursor = data;
        int info = cursor;
        cursor += 6;
        putUtf16z("VS_VERSION_INFO");
        align(4);
        b.putShort(IDATA_RAW + info + 2, (short) 0x34);
        b.putInt(IDATA_RAW + cursor, 0xfeef04bd);
        cursor += 0x34;
        int stringFileInfo = cursor;
        cursor += 6;
        putUtf16z("StringFileInfo");
        align(4);
        int table = cursor;
        cursor += 6;
        putUtf16z("040904B0");
        align(4);
        long[] keys = new long[keysAndValues.length / 2];
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            int string = cursor;
            keys[i / 2] = IDATA_RAW + string + 6;
            cursor += 6;
            putUtf16z(keysAndValues[i]);
            align(4);
            putUtf16z(keysAndValues[i + 1]);
            b.putShort(IDATA_RAW + string, (short) (cursor - string));
            b.putShort(IDATA_RAW + string + 2, (short) (keysAndValues[i + 1].length() + 1));
            b.putShort(IDATA_RAW + string + 4, (short) 1);
            align(4);
        }
        b.putShort(IDATA_RAW + table, (short) (cursor - table));
        b.putShort(IDATA_RAW + table + 4, (short) 1);
        b.putShort(IDATA_RAW + stringFileInfo, (short) (cursor - stringFileInfo));
        b.putShort(IDATA_RAW + stringFileInfo + 4, (short) 1);
        b.putShort(IDATA_RAW + info, (short) (cursor - info));
        b.putInt(IDATA_RAW + root + 0x48, IDATA_RVA + data);
        b.putInt(IDATA_RAW + root + 0x4c, cursor - data);
        b.putInt(dataDirectory(2), IDATA_RVA + root);
        b.putInt(dataDirectory(2) + 4, cursor - root);
        return keys;
    }

    /** A resource directory with one ID entry; {@code target} is relative to the resource root. */
    private void putDirectory(int at, int id, int target) {
        b.putShort(IDATA_RAW + at + 14, (short) 1);
        b.putInt(IDATA_RAW + at + 16, id);
        b.putInt(IDATA_RAW + at + 20, target);
    }

    private void putUtf16z(String s) {
        for (int i = 0; i < s.length(); i++) {
            b.putShort(IDATA_RAW + cursor + 2 * i, (short) s.charAt(i));
        }
        cursor += 2 * s.length() + 2;
    }

    private void align(int n) {
        cursor = (cursor + n - 1) & -n;
    }

    /** Sets raw file bytes (e.g. in the DOS header). */
    SmallPeBuilder poke(int offset, byte... bytes) {
        b.put(offset, bytes);
        return this;
    }

    byte[] bytes() {
        return b.array().clone();
    }

    byte[] truncated(int length) {
        return Arrays.copyOf(b.array(), length);
    }
}
