package dev.vigil.engine.exe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small hand-built executables that exercise ClamAV's header rules: unaligned raw pointers, truncated and missing
 * sections, the file-alignment fallback, entry points inside the headers, big-endian ELF, PowerPC Mach-O thread
 * entry points, and broken variants that ClamAV must reject. Bodies are filled with seeded random bytes so that
 * probe signatures are unambiguous.
 */
final class SyntheticExecutables {
    private SyntheticExecutables() {
    }

    static Map<String, byte[]> all() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("pe32-rounding.exe", pe(false, 0x200, 0x410, 0x1020, false, 0x200));
        m.put("pe32-fallback.exe", pe(false, 0x1000, 0x600, 0x1010, false, 0x400));
        m.put("pe32-ep-in-header.exe", pe(false, 0x200, 0x400, 0x90, false, 0x200));
        m.put("pe64.exe", pe(true, 0x200, 0x400, 0x1100, false, 0x200));
        m.put("pe32-signbit-broken.exe", pe(false, 0x200, 0x410, 0x1020, true, 0x200));
        m.put("pe32-ep-unmapped-broken.exe", pe(false, 0x200, 0x400, 0x7000, false, 0x200));
        SmallPeBuilder versionInfo = new SmallPeBuilder(false).dll("kernel32.dll", "ExitProcess");
        versionInfo.versionInfo("CompanyName", "Vigil Test Company", "Comments", "", "FileDescription",
                "Version information probe", "ProductName", "Vigil");
        m.put("pe32-versioninfo.exe", versionInfo.bytes());
        m.put("elf32-be", elf(false, true, true));
        m.put("elf64-le", elf(true, false, true));
        m.put("elf64-le-bad-phentsize", elf(true, false, false));
        m.put("macho-ppc", macho(false, 1));
        m.put("macho-ppc64", macho(true, 1));
        m.put("macho-ppc-no-commands", macho(false, 0));
        return m;
    }

    static List<Path> writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> out = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : all().entrySet()) {
            Path p = dir.resolve(e.getKey());
            Files.write(p, e.getValue());
            out.add(p);
        }
        return out;
    }

    private static ByteBuffer randomFilled(int size, long seed, ByteOrder order) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return ByteBuffer.wrap(data).order(order);
    }

    /**
     * A PE with three sections: code (raw pointer {@code textRaw}, declared size 0x1f0 so that it rounds up), data
     * running past the end of the file, and a section whose raw data lies beyond the end.
     */
    static byte[] pe(boolean plus, int fileAlignment, int textRaw, int entryRva, boolean signBit, int dataRaw) {
        int size = 0x900;
        ByteBuffer b = randomFilled(size, 0x5eed + textRaw + entryRva + (plus ? 1 : 0), ByteOrder.LITTLE_ENDIAN);
        b.put(0, (byte) 'M').put(1, (byte) 'Z');
        int lfanew = 0x80;
        b.putInt(60, lfanew);
        int optSize = plus ? 240 : 224;
        b.putInt(lfanew, 0x00004550);
        b.putShort(lfanew + 4, (short) (plus ? 0x8664 : 0x14c));
        b.putShort(lfanew + 6, (short) 3);
        b.putShort(lfanew + 20, (short) optSize);
        b.putShort(lfanew + 22, (short) 0x0102);
        int opt = lfanew + 24;
        b.putShort(opt, (short) (plus ? 0x20b : 0x10b));
        b.putInt(opt + 16, entryRva);
        b.putInt(opt + 32, 0x1000);
        b.putInt(opt + 36, fileAlignment);
        b.putInt(opt + 56, 0x4000);
        b.putInt(opt + 60, 0x200);
        b.putShort(opt + 68, (short) 3);
        b.putInt(opt + (plus ? 108 : 92), 16);
        for (int i = 0; i < 16 * 8; i++) {
            b.put(opt + (plus ? 112 : 96) + i, (byte) 0);
        }
        int sec = opt + optSize;
        section(b, sec, ".text", 0x300, signBit ? 0x80001000 : 0x1000, 0x1f0, textRaw);
        section(b, sec + 40, ".data", 0x400, 0x2000, 0x400, dataRaw + 0x200);
        section(b, sec + 80, ".gone", 0x200, 0x3000, 0x200, 0x5000);
        return b.array();
    }

    private static void section(ByteBuffer b, int at, String name, int vsize, int va, int rawSize, int rawPtr) {
        for (int i = 0; i < 8; i++) {
            b.put(at + i, i < name.length() ? (byte) name.charAt(i) : 0);
        }
        b.putInt(at + 8, vsize);
        b.putInt(at + 12, va);
        b.putInt(at + 16, rawSize);
        b.putInt(at + 20, rawPtr);
        b.putInt(at + 36, 0x60000020);
    }

    /** An ELF with two program headers (entry in the second) and four section headers. */
    static byte[] elf(boolean is64, boolean bigEndian, boolean goodPhentsize) {
        int size = 0x1000;
        ByteOrder order = bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        ByteBuffer b = randomFilled(size, 0xe1f + (is64 ? 64 : 32) + (bigEndian ? 1 : 0), order);
        b.put(0, (byte) 0x7f).put(1, (byte) 'E').put(2, (byte) 'L').put(3, (byte) 'F');
        b.put(4, (byte) (is64 ? 2 : 1)).put(5, (byte) (bigEndian ? 2 : 1)).put(6, (byte) 1);
        b.putShort(16, (short) 2);
        b.putShort(18, (short) (is64 ? 62 : 20));
        b.putInt(20, 1);
        long entry = 0x8048000L + 0x2000 + 0x34;
        int phoff = is64 ? 64 : 52;
        int phsize = is64 ? 56 : 32;
        int shsize = is64 ? 64 : 40;
        int shoff = 0x200;
        if (is64) {
            b.putLong(24, entry).putLong(32, phoff).putLong(40, shoff);
            b.putShort(52, (short) 64).putShort(54, (short) (goodPhentsize ? phsize : 40)).putShort(56, (short) 2);
            b.putShort(58, (short) shsize).putShort(60, (short) 4).putShort(62, (short) 0);
        } else {
            b.putInt(24, (int) entry).putInt(28, phoff).putInt(32, shoff);
            b.putShort(40, (short) 52).putShort(42, (short) (goodPhentsize ? phsize : 40)).putShort(44, (short) 2);
            b.putShort(46, (short) shsize).putShort(48, (short) 4).putShort(50, (short) 0);
        }
        long[][] segments = {{0x0, 0x8048000L, 0x400}, {0x600, 0x8048000L + 0x2000, 0x300}};
        for (int i = 0; i < 2; i++) {
            int at = phoff + i * phsize;
            if (is64) {
                b.putInt(at, 1).putInt(at + 4, 5).putLong(at + 8, segments[i][0]).putLong(at + 16, segments[i][1])
                        .putLong(at + 24, segments[i][1]).putLong(at + 32, segments[i][2])
                        .putLong(at + 40, segments[i][2]).putLong(at + 48, 0x1000);
            } else {
                b.putInt(at, 1).putInt(at + 4, (int) segments[i][0]).putInt(at + 8, (int) segments[i][1])
                        .putInt(at + 12, (int) segments[i][1]).putInt(at + 16, (int) segments[i][2])
                        .putInt(at + 20, (int) segments[i][2]).putInt(at + 24, 5).putInt(at + 28, 0x1000);
            }
        }
        long[][] sections = {{0, 0, 0}, {0x8048100L, 0x100, 0x180}, {0x8048000L + 0x2000, 0x600, 0x300},
                {0, 0x900, 0x500}};
        for (int i = 0; i < 4; i++) {
            int at = shoff + i * shsize;
            for (int j = 0; j < shsize; j++) {
                b.put(at + j, (byte) 0);
            }
            if (is64) {
                b.putInt(at + 4, 1).putLong(at + 16, sections[i][0]).putLong(at + 24, sections[i][1])
                        .putLong(at + 32, sections[i][2]);
            } else {
                b.putInt(at + 4, 1).putInt(at + 12, (int) sections[i][0]).putInt(at + 16, (int) sections[i][1])
                        .putInt(at + 20, (int) sections[i][2]);
            }
        }
        return b.array();
    }

    /**
     * A big-endian PowerPC Mach-O with one segment of two sections and an {@code LC_UNIXTHREAD} whose PC lies in the
     * second section. {@code commands} 0 makes it broken.
     */
    static byte[] macho(boolean is64, int commands) {
        int size = 0x1000;
        ByteBuffer b = randomFilled(size, 0x3ac0 + (is64 ? 1 : 0), ByteOrder.BIG_ENDIAN);
        b.putInt(0, is64 ? 0xfeedfacf : 0xfeedface);
        b.putInt(4, is64 ? 0x01000012 : 18);
        b.putInt(8, 0).putInt(12, 2).putInt(16, commands == 0 ? 0 : 2).putInt(24, 0);
        int at = is64 ? 32 : 28;
        int sectionSize = is64 ? 80 : 68;
        int segmentSize = (is64 ? 72 : 56) + 2 * sectionSize;
        b.putInt(at, is64 ? 0x19 : 0x01).putInt(at + 4, segmentSize);
        int seg = at + 8;
        putName(b, seg, "__TEXT");
        b.putInt(seg + (is64 ? 56 : 40), 2);
        int s = seg + (is64 ? 64 : 48);
        long[][] secs = {{0x1000, 0x1f3, 0x400, 4}, {0x2000, 0x2fa, 0x800, 3}};
        for (int i = 0; i < 2; i++) {
            int x = s + i * sectionSize;
            for (int j = 0; j < sectionSize; j++) {
                b.put(x + j, (byte) 0);
            }
            putName(b, x, i == 0 ? "__text" : "__const");
            putName(b, x + 16, "__TEXT");
            if (is64) {
                b.putLong(x + 32, secs[i][0]).putLong(x + 40, secs[i][1]).putInt(x + 48, (int) secs[i][2])
                        .putInt(x + 52, (int) secs[i][3]);
            } else {
                b.putInt(x + 32, (int) secs[i][0]).putInt(x + 36, (int) secs[i][1]).putInt(x + 40, (int) secs[i][2])
                        .putInt(x + 44, (int) secs[i][3]);
            }
        }
        int thread = at + segmentSize;
        int stateSize = is64 ? 312 : 160;
        b.putInt(thread, 5).putInt(thread + 4, 16 + stateSize).putInt(thread + 8, is64 ? 5 : 1)
                .putInt(thread + 12, stateSize / 4);
        if (is64) {
            b.putLong(thread + 16, 0x2000 + 0x44);
        } else {
            b.putInt(thread + 16, 0x2000 + 0x44);
        }
        b.putInt(20, segmentSize + 16 + stateSize);
        return b.array();
    }

    private static void putName(ByteBuffer b, int at, String name) {
        for (int i = 0; i < 16; i++) {
            b.put(at + i, i < name.length() ? (byte) name.charAt(i) : 0);
        }
    }
}
