package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * yC 1.x ("yoda's crypter") protected PE files, decrypted as ClamAV's {@code yc_decrypt} does: the entry point sits
 * 0x60 into the last section, whose stub carries two small polymorphic byte decryptors (SUB/ADD/XOR/ROL/ROR/DEC on
 * AL, with CL counting down). The first is "emulated" over the second stage of the stub, the second over every
 * ordinary section; then the yC section is dropped from the header, the import directory cleared and the original
 * entry point restored. Decryption never reads or writes outside the file.
 */
public final class YcUnpacker extends PackedPeUnpacker {
    private static final int DECRYPTOR_WINDOW = 0x30;

    @Override
    public String name() {
        return "yc";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        List<Section> s = pe.sections();
        int n = s.size();
        if (n < 2 || pe.entryRva() != s.get(n - 1).virtualAddress() + 0x60) {
            return;
        }
        byte[] ep = pe.epBytes();
        long ecx = 0;
        int offset = 0;
        if (matches(ep, 0, "558bec535657 60e8000000005d81ed") && matches(ep, 0x26, "8d3a8bf733c0eb0490eb01c2ac")
                && Le.u8(ep, 0x13) == 0xb9 && Le.u16(ep, 0x18) == 0xe981 && matches(ep, 0x1e, "8bd581c2")) {
            offset = 0;
            if (((0x6c - Le.u32(ep, 0xf) + Le.u32(ep, 0x22)) & 0xffffffffL) == 0xc6) {
                ecx = (Le.u32(ep, 0x14) - Le.u32(ep, 0x1a)) & 0xffffffffL;
            }
        }
        if (ecx == 0 && matches(ep, 0, "558bec83ec40535657") && matches(ep, 0x17, "e8000000005d81ed")
                && Le.u8(ep, 0x23) == 0xb9) {
            offset = 0x10;
            if (((0x6c - Le.u32(ep, 0x1f) + Le.u32(ep, 0x32)) & 0xffffffffL) == 0xc6) {
                ecx = (Le.u32(ep, 0x24) - Le.u32(ep, 0x2a)) & 0xffffffffL;
            }
        }
        if (ecx == 0 && matches(ep, 0, "60e8000000005d81ed") && Le.u8(ep, 0xd) == 0xb9 && Le.u16(ep, 0x12) == 0xbd8d
                && matches(ep, 0x18, "8bf7ac")) {
            offset = -0x18;
            if (((0x66 - Le.u32(ep, 0x9) + Le.u32(ep, 0x14)) & 0xffffffffL) == 0xae) {
                ecx = Le.u32(ep, 0xe);
            }
        }
        Section last = s.get(n - 1);
        long size = input.size();
        if (ecx <= 0x800 || ecx >= 0x2000 || !matches(ep, 0x63 + offset, "aae2cc")
                || size < last.rawOffset() + 0xc6 + ecx + offset) {
            return;
        }
        byte[] file = Inputs.readAll(input, sink, "yC-protected file");
        if (file == null) {
            return;
        }
        byte[] out = decrypt(file, last, (int) ecx, offset);
        if (out != null) {
            sink.child(new Child("yc-decrypted", "CL_TYPE_MSEXE", out.length), new ByteArrayInputStream(out));
        }
    }

    private static boolean matches(byte[] b, int at, String hex) {
        byte[] want = UpxUnpacker.hex(hex);
        return Le.has(b, at, want.length) && Arrays.equals(b, at, at + want.length, want, 0, want.length);
    }

    /** The decrypted file, or null when a decryptor uses an instruction outside the known set or leaves the file. */
    static byte[] decrypt(byte[] f, Section last, int ecx, int offset) {
        long yc = last.rawOffset() + offset;
        if (!emulate(f, yc + 0x93, yc + 0xc6, ecx, ecx)) {
            return null;
        }
        long lfanew = Le.u32(f, 0x3c);
        int sectionCount = Le.u16(f, lfanew + 6);
        long table = lfanew + 24 + Le.u16(f, lfanew + 20);
        long lastHeader = table + 40L * (sectionCount - 1);
        long length = f.length - Le.u32(f, lastHeader + 16);
        if (length <= 0 || !Le.has(f, table, 40L * sectionCount)) {
            return null;
        }
        long decryptor = yc + (offset == -0x18 ? 0x3ea : 0x457);
        long fileAlignment = Le.u32(f, lfanew + 24 + 36);
        for (int i = 0; i < sectionCount - 1; i++) {
            long h = table + 40L * i;
            long name = Le.u32(f, h);
            long rawSize = Le.u32(f, h + 16);
            long raw = Le.u32(f, h + 20);
            if (fileAlignment != 0) {
                raw = raw / fileAlignment * fileAlignment; // as ClamAV aligns PointerToRawData down
            }
            if (raw == 0 || rawSize == 0 || skipped(name)) {
                continue;
            }
            long maxEmulated = length - raw;
            if (maxEmulated < 0) {
                return null;
            }
            if (!emulate(f, decryptor, raw, rawSize, maxEmulated)) {
                return null;
            }
        }
        byte[] out = Arrays.copyOf(f, (int) length);
        int opt = (int) lfanew + 24;
        Le.put16(out, (int) lfanew + 6, sectionCount - 1);
        Arrays.fill(out, opt + 0x68, opt + 0x70, (byte) 0);
        Le.put32(out, opt + 16, Le.u32(f, yc + 0xa0f));
        Le.put32(out, opt + 0x38, Le.u32(f, opt + 0x38) - Le.u32(f, lastHeader + 8));
        return out;
    }

    /** Sections yC leaves alone: resources, relocations, export/import/read-only data, TLS, its own. */
    private static boolean skipped(long name) {
        return name == 0x63727372L || name == 0x7273722eL || name == 0x6f6c6572L || name == 0x6c65722eL
                || name == 0x6164652eL || name == 0x6164722eL || name == 0x6164692eL || name == 0x736c742eL
                || (name & 0xffff) == 0x4379;
    }

    /**
     * Runs the byte decryptor at {@code code} over {@code count} bytes at {@code data} (at most {@code max}). Returns
     * false on an unknown instruction or any access outside the file.
     */
    static boolean emulate(byte[] f, long code, long data, long count, long max) {
        int cl = (int) (count & 0xff);
        // ClamAV allows 100 million jumps per call; a real decryptor needs a few per byte, so a million is ample
        // and keeps a looping hostile decryptor from costing seconds.
        long jumps = 1_000_000L;
        for (long i = 0; i < count && i < max; i++) {
            if (!inside(f, data + i)) {
                return false;
            }
            int al = f[(int) (data + i)] & 0xff;
            long j = 0;
            while (j < DECRYPTOR_WINDOW) {
                if (!inside(f, code + j)) {
                    return false;
                }
                int op = f[(int) (code + j)] & 0xff;
                switch (op) {
                    case 0xeb -> {
                        j++;
                        if (!inside(f, code + j) || --jumps < 0) {
                            return false;
                        }
                        j = (j + f[(int) (code + j)]) & 0xffffffffL;
                    }
                    case 0xfe -> {
                        al = (al - 1) & 0xff;
                        j++;
                    }
                    case 0x2a -> {
                        al = (al - cl) & 0xff;
                        j++;
                    }
                    case 0x02 -> {
                        al = (al + cl) & 0xff;
                        j++;
                    }
                    case 0x32 -> {
                        al ^= cl;
                        j++;
                    }
                    case 0x04, 0x34, 0x2c -> {
                        j++;
                        if (!inside(f, code + j)) {
                            return false;
                        }
                        int v = f[(int) (code + j)] & 0xff;
                        al = (op == 0x04 ? al + v : op == 0x34 ? al ^ v : al - v) & 0xff;
                    }
                    case 0xc0 -> {
                        j++;
                        if (!inside(f, code + j)) {
                            return false;
                        }
                        boolean left = (f[(int) (code + j)] & 0xff) == 0xc0;
                        j++;
                        if (!inside(f, code + j)) {
                            return false;
                        }
                        al = rotate(al, f[(int) (code + j)] & 7, left);
                    }
                    case 0xd2 -> {
                        j++;
                        if (!inside(f, code + j)) {
                            return false;
                        }
                        boolean right = (f[(int) (code + j)] & 0xff) == 0xc8;
                        j++;
                        al = rotate(al, cl & 7, !right);
                    }
                    case 0x90, 0xf8, 0xf9 -> {
                    }
                    default -> {
                        return false;
                    }
                }
                j = (j + 1) & 0xffffffffL;
            }
            cl = (cl - 1) & 0xff;
            f[(int) (data + i)] = (byte) al;
        }
        return true;
    }

    private static int rotate(int al, int by, boolean left) {
        return (left ? (al << by | al >>> (8 - by)) : (al >>> by | al << (8 - by))) & 0xff;
    }

    private static boolean inside(byte[] f, long at) {
        return at >= 0 && at < f.length;
    }
}
