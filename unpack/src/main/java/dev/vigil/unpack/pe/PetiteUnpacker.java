package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Petite 2.1/2.2 packed PE files, unpacked as ClamAV's {@code petite_inflate2x_1to9} does: the sections are mapped
 * into an image, the packed blocks listed after the stub are moved and expanded (an NRV-like code with XORed
 * literals), the stub is stripped from the last section, the entry point is recovered from the stub's scrambled copy
 * when present, and a PE is rebuilt with {@link PeRebuilder} (same size and layout as ClamAV's rebuilt file).
 */
public final class PetiteUnpacker extends PackedPeUnpacker {
    @Override
    public String name() {
        return "petite";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        if (pe.epBytes().length < 200) {
            return;
        }
        List<Section> s = pe.sections();
        int n = s.size();
        byte[] ep = pe.epBytes();
        long base = pe.imageBase();
        int version;
        if (Le.u8(ep, 0) == 0xb8 && Le.u32(ep, 1) == ((s.get(n - 1).virtualAddress() + base) & 0xffffffffL)) {
            version = 2;
        } else if (n >= 2 && Le.u8(ep, 0) == 0xb8
                && Le.u32(ep, 1) == ((s.get(n - 2).virtualAddress() + base) & 0xffffffffL)) {
            version = 1;
        } else {
            return;
        }
        if (Le.u32(ep, 0x80) == 0x163c988dL) {
            return; // level 0 is not supported by ClamAV either
        }
        long min = Long.MAX_VALUE;
        long max = 0;
        for (Section sec : s) {
            min = Math.min(min, sec.virtualAddress());
            max = Math.max(max, sec.virtualAddress() + sec.rawSize());
        }
        long size = max - min;
        if (size <= 0 || size > Inputs.maxObject(sink)) {
            if (size > 0) {
                sink.limitExceeded("MaxFileSize", "Petite image of " + size + " bytes not unpacked");
            }
            return;
        }
        byte[] buf = new byte[(int) size];
        long lfanew = Le.u32(input.readFully(0x3c, 4), 0);
        byte[] fileHeader = input.readFully(lfanew, 24);
        long table = lfanew + 24 + Le.u16(fileHeader, 20);
        byte[] headers = input.readFully(table, 40 * n);
        byte[] opt = input.readFully(lfanew + 24, 128);
        for (int i = 0; i < n; i++) {
            Section sec = s.get(i);
            if (sec.rawOffset() == 0) {
                continue;
            }
            long ursz = Math.min(Le.u32(headers, 40L * i + 16), Math.max(0, input.size() - Le.u32(headers, 40L * i + 20)));
            long at = sec.virtualAddress() - min;
            if (sec.rawSize() == 0 || ursz == 0 || at + ursz > size
                    || input.read(sec.rawOffset(), buf, (int) at, (int) ursz) != ursz) {
                return;
            }
        }
        List<Section> known = version == 1 ? s.subList(0, n - 1) : s;
        byte[] out = inflate(buf, min, known, base, pe.entryRva(), version, Le.u32(opt, 96 + 16),
                Le.u32(opt, 96 + 20), Inputs.maxObject(sink));
        if (out != null) {
            sink.child(new Child("petite-unpacked", "CL_TYPE_MSEXE", out.length), new ByteArrayInputStream(out));
        }
    }

    /** Unpacks the mapped image {@code buf} (index 0 = RVA {@code min}); the rebuilt PE or null. */
    static byte[] inflate(byte[] buf, long min, List<Section> sections, long imageBase, long entryRva, int version,
                          long resourceRva, long resourceSize, long maxSize) {
        return new Inflater(buf, min, sections, imageBase, entryRva, version, resourceRva, resourceSize, maxSize).run();
    }

    /** One unpacking run over the mapped image {@code buf}, whose index 0 is RVA {@code min}. */
    private static final class Inflater {
        final byte[] buf;
        final long min;
        final List<Section> sections;
        final long imageBase;
        final long entryRva;
        final int version;
        final long resourceRva;
        final long resourceSize;
        final long maxSize;
        int dl;
        long src;

        Inflater(byte[] buf, long min, List<Section> sections, long imageBase, long entryRva, int version,
                 long resourceRva, long resourceSize, long maxSize) {
            this.buf = buf;
            this.min = min;
            this.sections = sections;
            this.imageBase = imageBase;
            this.entryRva = entryRva;
            this.version = version;
            this.resourceRva = resourceRva;
            this.resourceSize = resourceSize;
            this.maxSize = maxSize;
        }

        /** Index into {@code buf} of an RVA (may be outside). */
        long at(long rva) {
            return rva - min;
        }

        boolean has(long index, long length) {
            return Le.has(buf, index, length);
        }

        long u32(long index) {
            return Le.u32(buf, index);
        }

        /** The next flag bit; -1 when the input runs out. */
        int bit() {
            int old = dl;
            dl = dl * 2 & 0xff;
            if ((old & 0x7f) == 0) {
                if (src < 0 || src >= buf.length - 1) {
                    return -1;
                }
                old = buf[(int) src] & 0xff;
                dl = (old * 2 + 1) & 0xff;
                src++;
            }
            return old >> 7 & 1;
        }

        static final class Broken extends RuntimeException {
            Broken() {
                super(null, null, false, false);
            }
        }

        int need() {
            int b = bit();
            if (b < 0) {
                throw new Broken();
            }
            return b;
        }

        byte[] run() {
            try {
                return unpack();
            } catch (Broken e) {
                return null;
            }
        }

        private byte[] unpack() {
            Section last = sections.getLast();
            long grown = version == 1 ? 0x323 : 0x355;
            long skew = version == 1 ? 0x34 : 0x35;
            long packed = at(last.virtualAddress() + (version == 1 ? 0x178 : 0x1b8));
            long bottom = 0;
            long encryptedEp = 0;
            long importsRva = 0;
            boolean mangled = false;
            boolean check4resources = false;
            List<long[]> parts = new ArrayList<>(); // rva, rsz, vsz, raw
            while (true) {
                if (!has(packed, 4)) {
                    return null;
                }
                long srva = u32(packed);
                if (srva == 0) {
                    return finish(parts, encryptedEp, importsRva, mangled);
                }
                long size = srva & 0x7fffffffL;
                if (srva != size) {
                    check4resources = false;
                    if (!has(packed + 4, 8)) {
                        return null;
                    }
                    bottom = u32(packed + 8);
                    if (bottom > 0xfffffffbL) {
                        return null;
                    }
                    bottom += 4;
                    long bytes = size * 4 & 0xffffffffL;
                    long from = at((u32(packed + 4) - (size - 1) * 4) & 0xffffffffL);
                    long to = at((u32(packed + 8) - (size - 1) * 4) & 0xffffffffL);
                    if (!has(from, bytes) || !has(to, bytes)) {
                        return null;
                    }
                    System.arraycopy(buf, (int) from, buf, (int) to, (int) bytes);
                    packed += 12;
                    continue;
                }
                if (!has(packed + 4, 8)) {
                    return null;
                }
                size = u32(packed + 4);
                long thisRva = u32(packed + 8);
                packed += 0x10;
                if (parts.size() >= 96) {
                    return null;
                }
                long vsz = (int) (bottom - thisRva) > 0 ? (bottom - thisRva) & 0xffffffffL : size;
                long[] part = {thisRva, size, vsz, 0};
                parts.add(part);
                if (size == 0) {
                    continue;
                }
                src = at(srva);
                dl = 0; // the flag byte starts empty for every section
                long dst = at(thisRva);
                int q = 0;
                for (; q < sections.size(); q++) {
                    Section sec = sections.get(q);
                    if (!contained(sec.virtualAddress(), sec.virtualSize(), part[0], part[2])) {
                        continue;
                    }
                    if (!check4resources) {
                        part[0] = sec.virtualAddress();
                        part[1] = (thisRva - sec.virtualAddress() + size) & 0xffffffffL;
                    }
                    break;
                }
                if (q == sections.size()) {
                    return null;
                }
                long check1;
                long check2;
                int goBack;
                if (size < 0x10000) {
                    check1 = 0xffffc060L;
                    check2 = 0xfffffc60L;
                    goBack = 5;
                } else if (size < 0x40000) {
                    check1 = 0xffff8180L;
                    check2 = 0xfffff980L;
                    goBack = 7;
                } else {
                    check1 = 0xffff8300L;
                    check2 = 0xfffffb00L;
                    goBack = 8;
                }
                if (!has(src, 1) || !has(dst, 1)) {
                    return null;
                }
                size--;
                buf[(int) dst++] = buf[(int) src++];
                int back;
                int oldBack = 0;
                while (size > 0) {
                    if (need() == 0) {
                        if (!has(src, 1) || !has(dst, 1)) {
                            return null;
                        }
                        buf[(int) dst++] = (byte) (buf[(int) src++] ^ (size & 0xff));
                        size--;
                        continue;
                    }
                    long add = 0;
                    back = 1;
                    do {
                        if (back >= Integer.MAX_VALUE / 2) {
                            return null;
                        }
                        back = back * 2 + need();
                    } while (need() != 0);
                    back -= 3;
                    long length;
                    if (back >= 0) {
                        for (int k = 0; k < goBack; k++) {
                            if (back >= Integer.MAX_VALUE / 2) {
                                return null;
                            }
                            back = back * 2 + need();
                        }
                        back = ~back;
                        add += 1 + (back < (int) check2 ? 1 : 0) + (back < (int) check1 ? 1 : 0);
                        oldBack = back;
                        length = 0;
                    } else {
                        length = (back + 1) & 0xffffffffL;
                        back = oldBack;
                    }
                    length = (length * 2 + need()) & 0xffffffffL;
                    length = (length * 2 + need()) & 0xffffffffL;
                    if (length == 0) {
                        length = 1;
                        do {
                            length = (length * 2 + need()) & 0xffffffffL;
                        } while (need() != 0);
                        length += 2;
                    }
                    length = (length + add) & 0xffffffffL;
                    size = (size - length) & 0xffffffffL;
                    if (!has(dst, length) || !has(dst + back, length)) {
                        return null;
                    }
                    for (long k = 0; k < length; k++, dst++) {
                        buf[(int) dst] = buf[(int) (dst + back)];
                    }
                }
                // Strip the stub that Petite appends to the last section it unpacks.
                long[] lastPart = parts.getLast();
                boolean strip = false;
                long reloc = 0;
                long probe = dst - grown + 5 + 0x4f;
                if (lastPart[1] > grown && has(probe, 8) && u32(probe) == 0x645ec033L
                        && u32(probe + 4) == 0x1b8b188bL) {
                    strip = true;
                }
                if (!strip && lastPart[1] > grown + skew && has(probe - skew, 8) && u32(probe - skew) == 0x645ec033L
                        && u32(probe - skew + 4) == 0x1b8b188bL) {
                    reloc = skew;
                    strip = true;
                }
                long keys = dst - grown + 0x0f - 8 - reloc;
                if (strip && has(keys, 8)) {
                    long test1 = u32(keys) ^ 0x9d6661aaL;
                    long test2 = u32(keys + 4) ^ 0xe908c483L;
                    long stub = dst - grown + 0x0f - reloc;
                    if (test1 == test2 && has(stub, 0x1c0 - 0x0f + 4)) {
                        importsRva = u32(dst - grown + 0x121 - reloc);
                        encryptedEp = u32(stub) ^ test1;
                        mangled = u32(dst - grown + 0x1c0 - reloc) != 0x90909090L;
                    }
                    lastPart[1] = (lastPart[1] - grown - reloc) & 0xffffffffL;
                }
                check4resources = true;
            }
        }

        private byte[] finish(List<long[]> parts, long encryptedEp, long importsRva, boolean mangled) {
            int j = parts.size();
            if (j == 0) {
                return null;
            }
            List<long[]> sorted = new ArrayList<>(parts);
            sorted.sort(Comparator.comparingLong(p -> p[0])); // ClamAV bubble-sorts by RVA: also stable
            for (int t = 0; t + 1 < j; t++) {
                sorted.get(t)[2] = (sorted.get(t + 1)[0] - sorted.get(t)[0]) & 0xffffffffL;
            }
            long ep = 0;
            if (encryptedEp != 0) {
                ep = recoverEntryPoint(sorted, encryptedEp, importsRva, mangled);
            }
            for (int t = 0; t < j; t++) {
                long[] p = sorted.get(t);
                long[] prev = t > 0 ? sorted.get(t - 1) : null;
                p[3] = prev != null ? prev[3] + prev[1] : 0;
                if (p[1] != 0) {
                    long from = at(p[0]);
                    if (has(p[3], p[1]) && has(from, p[1])) {
                        System.arraycopy(buf, (int) from, buf, (int) p[3], (int) p[1]);
                    } else {
                        p[3] = prev != null ? prev[3] : 0;
                        p[1] = 0;
                    }
                }
            }
            List<PeRebuilder.Part> rebuilt = new ArrayList<>();
            for (long[] p : sorted) {
                rebuilt.add(new PeRebuilder.Part(p[0], p[2], p[3], p[1]));
            }
            return PeRebuilder.rebuild(buf, rebuilt, imageBase, ep, resourceRva, resourceSize, maxSize);
        }

        private long recoverEntryPoint(List<long[]> sorted, long encryptedEp, long importsRva, boolean mangled) {
            long virtualAddress = (entryRva + 5 + imageBase) & 0xffffffffL;
            long lastEnd = (sections.getLast().virtualAddress() + imageBase) & 0xffffffffL;
            boolean workDone = false;
            long ep = encryptedEp;
            if (version == 2) {
                long thunk = at(importsRva);
                boolean more = true;
                int random = 0;
                while (more && has(thunk, 4)) {
                    if (u32(thunk) == 0) {
                        workDone = true;
                        break;
                    }
                    long imports = at(u32(thunk));
                    thunk += 4;
                    more = false;
                    while (has(imports, 4)) {
                        imports += 4;
                        long api = u32(imports - 4);
                        if (api == 0) {
                            more = true;
                            break;
                        }
                        if ((api & 0x80000000L) == 0 && mangled && --random < 0) {
                            api = virtualAddress;
                            virtualAddress = (virtualAddress + 5) & 0xffffffffL;
                            random = (int) (virtualAddress & 7);
                        } else {
                            api = 0xbff01337L;
                        }
                        if (lastEnd < api) {
                            ep = (ep - 1) & 0xffffffffL;
                        }
                        if (api < virtualAddress) {
                            ep = (ep - 1) & 0xffffffffL;
                        }
                        ep = ((ep & 7) << 29 | (ep & 0xfffffff8L) >>> 3) & 0xffffffffL;
                    }
                }
            } else {
                workDone = true;
            }
            ep = (entryRva + 5 + ep) & 0xffffffffL;
            return workDone ? ep : sorted.getFirst()[0];
        }

        private static boolean contained(long bb, long bbSize, long sb, long sbSize) {
            return bbSize > 0 && sbSize > 0 && sbSize <= bbSize && sb >= bb && sb + sbSize <= bb + bbSize;
        }
    }
}
