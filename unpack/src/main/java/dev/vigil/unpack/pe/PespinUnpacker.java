package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * PESpin 1.1 protected PE files, unpacked as ClamAV's {@code unspin} does: the stub's layers are peeled (byte XOR
 * with a falling key, two LFSR keystreams, a checksum-derived section key, and a polymorphic byte decryptor run by a
 * small emulator), compressed sections are expanded with FSG's decoder, and a PE is rebuilt from the results.
 */
public final class PespinUnpacker extends PackedPeUnpacker {
    private static final byte[] EP_4 = UpxUnpacker.hex("e8000000008b1c2483c3");

    @Override
    public String name() {
        return "pespin";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        List<Section> s = pe.sections();
        int n = s.size();
        byte[] ep = pe.epBytes();
        if (n < 2) {
            return;
        }
        Section last = s.get(n - 1);
        long vep = pe.entryRva();
        if (vep < last.virtualAddress() || 0x3217 - 4 > last.virtualAddress() + last.rawSize()
                || vep >= last.virtualAddress() + last.rawSize() - 0x3217 - 4
                || !Le.has(ep, 4, EP_4.length) || !Arrays.equals(ep, 4, 4 + EP_4.length, EP_4, 0, EP_4.length)) {
            return;
        }
        byte[] file = Inputs.readAll(input, sink, "PESpin-protected file");
        if (file == null) {
            return;
        }
        try {
            byte[] out = unspin(file, s.subList(0, n - 1), last, vep, Inputs.maxObject(sink), sink);
            if (out != null) {
                sink.child(new Child("pespin-unpacked", "CL_TYPE_MSEXE", out.length), new ByteArrayInputStream(out));
            }
        } catch (ArrayIndexOutOfBoundsException | NegativeArraySizeException hostile) {
            // every access below is checked; this is a last guard for hostile layouts, never a crash
        }
    }

    private static boolean has(byte[] b, long at, long n) {
        return Le.has(b, at, n);
    }

    static byte[] unspin(byte[] src, List<Section> sections, Section last, long vep, long maxSize, ChildSink sink) {
        int count = sections.size();
        if (!has(src, last.rawOffset(), last.rawSize())) {
            return null;
        }
        byte[] spun = Arrays.copyOfRange(src, (int) last.rawOffset(), (int) (last.rawOffset() + last.rawSize()));
        long ep = vep - last.virtualAddress();
        if (!has(spun, ep + 0xe1, 4) || Le.u8(spun, ep + 0xdb) != 0xbb || Le.u8(spun, ep + 0xe0) != 0xb9) {
            return null;
        }
        int key8 = Le.u8(spun, ep + 0xdc);
        long len = Le.u32(spun, ep + 0xe1);
        if (len != 0x11fe || !has(spun, ep, len + 0x1fe5 - 1)) {
            return null;
        }
        for (long p = ep + 0x1fe5 + len - 1; len-- > 0; p--) {
            spun[(int) p] ^= (byte) key8;
            key8 = (key8 - 1) & 0xff;
        }
        if (!has(spun, ep + 0x3217, 4) || !has(spun, ep + 0x26eb, 9)) {
            return null;
        }
        long key = Le.u32(spun, ep + 0x26eb);
        len = Le.u32(spun, ep + 0x26eb + 5);
        if (len != 0x5a0 || !has(spun, ep + 0x2d5, len)) {
            return null;
        }
        for (long p = ep + 0x2d5; len-- > 0; p++) {
            key = (key & 1) != 0 ? key >>> 1 ^ 0x8c328834L : key >>> 1;
            spun[(int) p] ^= (byte) key;
        }
        if (!has(spun, ep + 0x429, 4)) {
            return null;
        }
        len = (src.length - Le.u32(spun, ep + 0x429)) & 0xffffffffL;
        if (len >= src.length) {
            return null;
        }
        long sectionKey = (Le.u32(spun, ep + 0x3217) - checksum(src, (int) len)) & 0xffffffffL;
        System.arraycopy(spun, 0, src, (int) last.rawOffset(), spun.length);
        long e = vep + last.rawOffset() - last.virtualAddress();
        if (!has(src, e + 0x3207, 4)) {
            return null;
        }
        long bitmap = Le.u32(src, e + 0x3207);
        for (int j = 0; j < count; j++, bitmap >>>= 1) {
            if ((bitmap & 1) == 0) {
                continue;
            }
            Section sec = sections.get(j);
            if (!has(src, sec.rawOffset(), sec.rawSize())) {
                return null;
            }
            long k = sectionKey;
            for (long p = sec.rawOffset(), end = p + sec.rawSize(); p < end; p++) {
                k = (k & 1) == 0 ? k >>> 1 ^ 0xed43af31L : k >>> 1;
                src[(int) p] ^= (byte) k;
            }
        }
        if (!has(src, e + 0x644, 0x10) || Le.u32(src, e + 0x644) != 0x180) {
            return null;
        }
        key = Le.u32(src, e + 0x644 + 0x0c);
        len = 0x180;
        if (!has(src, e + 0x28d3, len)) {
            return null;
        }
        for (long p = e + 0x28d3; len-- > 0; p++) {
            key = (key & 1) != 0 ? key >>> 1 ^ 0xed43af32L : key >>> 1;
            src[(int) p] ^= (byte) key;
        }
        if (!has(src, e + 0x28dd, 4) || Le.u32(src, e + 0x28dd) != 0x1a1) {
            return null;
        }
        long poly = e + 0x28dd + 0xf;
        len = 0x1a1;
        long emu = e + 0x6d4;
        if (!has(src, emu, len)) {
            return null;
        }
        while (len > 0) {
            int r = exec86(src, poly, src[(int) emu] & 0xff, (int) (len-- & 0xff));
            if (r < 0) {
                return null;
            }
            src[(int) emu++] = (byte) r;
        }
        if (!has(src, e + 0x6f1, 4)) {
            return null;
        }
        bitmap = Le.u32(src, e + 0x6f1);
        long poly2 = e + 0x755;
        for (int j = 0; j < count; j++, bitmap >>>= 1) {
            if ((bitmap & 1) == 0) {
                continue;
            }
            Section sec = sections.get(j);
            if (!has(src, poly2, 0x24) || !has(src, sec.rawOffset(), sec.rawSize())) {
                return null;
            }
            long left = sec.rawSize();
            for (long p = sec.rawOffset(); left > 0; p++) {
                int r = exec86(src, poly2, src[(int) p] & 0xff, (int) (left-- & 0xff));
                if (r < 0) {
                    return null;
                }
                src[(int) p] = (byte) r;
            }
        }
        if (!has(src, e + 0x3061, 4) || !has(src, e + 0x2fee, 4)) {
            return null;
        }
        long compressed = Le.u32(src, e + 0x3061);
        long total = 0;
        for (int j = 0; j < count; j++) {
            if ((compressed >>> j & 1) != 0) {
                total += sections.get(j).virtualSize();
                if (total > maxSize) {
                    sink.limitExceeded("MaxFileSize", "PESpin sections of " + total + " bytes not unpacked");
                    return null;
                }
            }
        }
        byte[][] parts = new byte[count][];
        for (int j = 0; j < count; j++) {
            Section sec = sections.get(j);
            if ((compressed >>> j & 1) != 0) {
                parts[j] = new byte[(int) sec.virtualSize()];
                if (!FsgDecoder.decode(src, (int) sec.rawOffset(), (int) sec.rawSize(), parts[j], 0,
                        (int) sec.virtualSize())) {
                    return null;
                }
            } else {
                if (!has(src, sec.rawOffset(), sec.rawSize())) {
                    return null;
                }
                parts[j] = Arrays.copyOfRange(src, (int) sec.rawOffset(), (int) (sec.rawOffset() + sec.rawSize()));
            }
        }
        long resources = Le.u32(src, e + 0x2fee);
        if (resources != 0) {
            int j = 0;
            for (; j < count; j++) {
                Section sec = sections.get(j);
                long skip = resources - sec.virtualAddress();
                if (sec.virtualAddress() <= resources && skip < sec.virtualSize() && skip > 0
                        && skip <= sec.rawSize()) {
                    break;
                }
            }
            if (j < count && j < 32 && (compressed >>> j & 1) == 0) {
                Section sec = sections.get(j);
                int skip = (int) (resources - sec.virtualAddress());
                byte[] whole = new byte[(int) sec.virtualSize()];
                System.arraycopy(src, (int) sec.rawOffset(), whole, 0, skip);
                if (FsgDecoder.decode(src, (int) sec.rawOffset() + skip, (int) sec.rawSize() - skip, whole, skip,
                        (int) sec.virtualSize() - skip)) {
                    parts[j] = whole;
                    compressed |= 1L << j;
                }
            }
        }
        long blobSize = 0;
        for (byte[] p : parts) {
            blobSize += p.length;
        }
        if (blobSize > maxSize) {
            return null;
        }
        byte[] blob = new byte[(int) blobSize];
        List<PeRebuilder.Part> rebuilt = new ArrayList<>();
        long raw = 0;
        for (int j = 0; j < count; j++) {
            Section sec = sections.get(j);
            System.arraycopy(parts[j], 0, blob, (int) raw, parts[j].length);
            rebuilt.add(new PeRebuilder.Part(sec.virtualAddress(), sec.virtualSize(), raw, parts[j].length));
            raw += parts[j].length;
        }
        return PeRebuilder.rebuild(blob, rebuilt, 0x400000, 0x1000, 0, 0, maxSize);
    }

    /** PESpin's checksum over the first {@code length} bytes of the file. */
    static long checksum(byte[] b, int length) {
        long eax = 0xffffffffL;
        long ebx = 0xffffffffL;
        for (int i = 0; i < length; i++) {
            eax ^= (b[i] & 0xff) << 8;
            eax = eax >>> 3 & 0x1fffffff;
            for (int k = 0; k < 4; k++) {
                eax ^= ebx >>> 8 & 0xff;
                eax = (eax + 0x7801a108L) & 0xffffffffL;
                eax ^= ebx;
                eax = Integer.toUnsignedLong(Integer.rotateRight((int) eax, (int) (ebx & 31)));
                long swap = eax;
                eax = ebx;
                ebx = swap;
            }
        }
        return ebx;
    }

    /** Runs the 0x24-byte polymorphic decryptor at {@code code} on one byte; -1 if it is not one PESpin writes. */
    static int exec86(byte[] b, long code, int al, int cl) {
        int len = 0;
        while (len < 0x24) {
            if (!has(b, code + len, 3)) {
                return -1;
            }
            int op = Le.u8(b, code + len++);
            switch (op) {
                case 0xeb -> len += 2;
                case 0x0a -> len += 1;
                case 0x90, 0xf8, 0xf9 -> {
                }
                case 0x02 -> {
                    al = (al + cl) & 0xff;
                    len++;
                }
                case 0x2a -> {
                    al = (al - cl) & 0xff;
                    len++;
                }
                case 0x04 -> al = (al + Le.u8(b, code + len++)) & 0xff;
                case 0x2c -> al = (al - Le.u8(b, code + len++)) & 0xff;
                case 0x32 -> {
                    al ^= cl;
                    len++;
                }
                case 0x34 -> al ^= Le.u8(b, code + len++);
                case 0xfe -> al = (Le.u8(b, code + len++) == 0xc0 ? al + 1 : al - 1) & 0xff;
                case 0xc0 -> {
                    boolean left = Le.u8(b, code + len++) == 0xc0;
                    int by = Le.u8(b, code + len++) & 7;
                    al = (left ? al << by | al >>> (8 - by) : al >>> by | al << (8 - by)) & 0xff;
                }
                default -> {
                    return -1;
                }
            }
        }
        return len == 0x24 && Le.u8(b, code + len) == 0xaa ? al : -1;
    }
}
