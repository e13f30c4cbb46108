package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * Upack (0.39 with two or three sections, 1.1/1.2, and the two variants ClamAV knows from samples), recognised and
 * rebuilt as ClamAV 1.4 does it (see docs/unpack-executables.md, "Upack").
 *
 * <p>The file's sections are mapped into one buffer the size of the whole image. The stub's own bytes (found by
 * following its jumps from the entry point) give the literal-context shift and the size of the decoder's
 * probability table; the table and the coder's start state are then laid out inside the image, as the stub does,
 * and {@link UpackLzma} decodes the image in place. Calls and jumps whose operand carries the stub's marker byte are
 * turned back into relative ones, and a one-section PE is rebuilt around the output.
 */
public final class UpackUnpacker extends PackedPeUnpacker {
    private static final long U32 = 0xffffffffL;

    @Override
    public String name() {
        return "upack";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        byte[] ep = pe.epBytes();
        List<Section> s = pe.sections();
        int n = s.size();
        if (ep.length < 168) {
            return;
        }
        long lfanew = Le.u32(input.readFully(0x3c, 4), 0);
        byte[] fileHeader = input.readFully(lfanew, 26);
        int optionalSize = Le.u16(fileHeader, 20);
        boolean threeSections = optionalSize == 0x148 && Le.u16(fileHeader, 24) != 0x20b;
        long base = pe.imageBase();
        long min = Long.MAX_VALUE;
        for (Section sec : s) {
            min = Math.min(min, sec.virtualAddress());
        }
        long esiImm = (Le.u32(ep, 1) - base) & U32;
        int op0 = Le.u8(ep, 0);
        boolean matches;
        if (threeSections) {
            matches = n == 3 && op0 == 0xbe && esiImm > min
                    && (Le.u8(ep, 5) == 0xad && Le.u8(ep, 6) == 0x50 || Le.u8(ep, 5) == 0xff && Le.u8(ep, 6) == 0x36);
        } else {
            matches = n == 2 && emptyThenFull(s)
                    && (op0 == 0x60 && Le.u8(ep, 1) == 0xe8 && Le.u32(ep, 2) == 9
                    || op0 == 0xbe && esiImm < min && (int) Le.u32(ep, 1) > (int) base
                    && Le.u8(ep, 5) == 0xad && Le.u8(ep, 6) == 0x8b && Le.u8(ep, 7) == 0xf8);
        }
        if (!matches) {
            return;
        }
        byte[] table = input.readFully(lfanew + 24 + optionalSize, 40 * n);
        long[] uraw = new long[n];
        long[] ursz = new long[n];
        for (int i = 0; i < n; i++) {
            uraw[i] = Le.u32(table, 40L * i + 20);
            ursz[i] = s.get(i).rawSize() == 0 ? 0
                    : Math.min(Le.u32(table, 40L * i + 16), Math.max(0, input.size() - uraw[i]));
        }
        long ssize;
        long off;
        long vma;
        long dsize;
        if (threeSections) {
            ssize = (ursz[0] + uraw[0]) & U32;
            off = s.get(0).virtualAddress();
            vma = (base + s.get(0).virtualAddress()) & U32;
            dsize = (s.get(0).virtualSize() + s.get(1).virtualSize() + s.get(2).virtualSize()) & U32;
        } else {
            ssize = uraw[1];
            off = 0;
            vma = (s.get(1).virtualAddress() - uraw[1]) & U32;
            dsize = (s.get(0).virtualSize() + s.get(1).virtualSize() + s.get(1).virtualAddress()) & U32;
        }
        long max = Inputs.maxObject(sink);
        if (Math.max(Math.max(dsize, ssize), ursz[1]) > max) {
            sink.limitExceeded("MaxFileSize", "Upack image of " + dsize + " bytes not unpacked");
            return;
        }
        long second = (s.get(1).virtualAddress() - off) & U32;
        long third = threeSections ? (s.get(2).virtualAddress() - s.get(0).virtualAddress()) & U32 : 0;
        if (!containedFromZero(dsize, second, ursz[1]) || threeSections && !containedFromZero(dsize, third, ssize)
                || ssize > dsize) {
            return;
        }
        byte[] dest = new byte[(int) dsize];
        if (input.read(0, dest, 0, (int) ssize) != ssize) {
            return;
        }
        if (threeSections) {
            System.arraycopy(dest, 0, dest, (int) third, (int) ssize);
        }
        if (input.read(uraw[1], dest, (int) second, (int) ursz[1]) != ursz[1]) {
            return;
        }
        byte[] out = unupack(threeSections, dest, ep, vma, pe.info().entryPoint(), base,
                s.get(0).virtualAddress(), max);
        if (out != null) {
            sink.child(new Child("upack-unpacked", "CL_TYPE_MSEXE", out.length), new ByteArrayInputStream(out));
        }
    }

    private static boolean emptyThenFull(List<Section> s) {
        for (int i = 0; i + 1 < s.size(); i++) {
            Section a = s.get(i);
            Section b = s.get(i + 1);
            if (a.rawSize() == 0 && a.virtualSize() != 0 && b.rawSize() != 0 && b.virtualSize() != 0) {
                return true;
            }
        }
        return false;
    }

    private static boolean containedFromZero(long size, long at, long len) {
        return size > 0 && len > 0 && len <= size && at + len <= size && at < size;
    }

    /** A malformed image: the unpacking ends without a result. */
    static final class Bad extends RuntimeException {
        static final Bad INSTANCE = new Bad();

        private Bad() {
            super(null, null, false, false);
        }
    }

    /** The mapped image, with every access checked: positions are offsets from its start and may be negative. */
    static final class Image {
        final byte[] b;

        Image(byte[] b) {
            this.b = b;
        }

        boolean has(long at, long len) {
            return len > 0 && at >= 0 && len <= b.length && at + len <= b.length;
        }

        void need(long at, long len) {
            if (!has(at, len)) {
                throw Bad.INSTANCE;
            }
        }

        int u8(long at) {
            need(at, 1);
            return b[(int) at] & 0xff;
        }

        /** The byte as C's signed {@code char}. */
        int s8(long at) {
            return (byte) u8(at);
        }

        long u32(long at) {
            need(at, 4);
            return Le.u32(b, at);
        }

        /** The dword as a signed 32-bit value, as the stub's pointer arithmetic uses it. */
        long s32(long at) {
            return (int) u32(at);
        }

        void put32(long at, long v) {
            need(at, 4);
            Le.put32(b, (int) at, v);
        }
    }

    private enum Variant { V039, V11_12, V0151477, V0297729 }

    /**
     * Unpacks the mapped image {@code dest} and rebuilds the PE, or null. {@code threeSections} selects the
     * three-section layout (SizeOfOptionalHeader 0x148); {@code ep} holds the entry-point bytes, {@code epOff} is
     * the entry point's file offset.
     */
    static byte[] unupack(boolean threeSections, byte[] dest, byte[] ep, long vma, long epOff, long base, long va,
                          long maxSize) {
        try {
            return new Run(new Image(dest), ep, vma, epOff, base).unpack(threeSections, va, maxSize);
        } catch (Bad | ArithmeticException e) {
            return null;
        }
    }

    /** One unpacking: the stub's parameters, then the decoder, then the call fixing and the rebuild. */
    private static final class Run {
        final Image m;
        final byte[] ep;
        final long epOff;
        final long base;
        long vma;
        Variant variant = Variant.V039;
        long originalEp;
        long alvalue;
        long shift;
        long count;
        long ebx;
        long edi;
        long endEdi;
        long pushedEsi;
        long paddr;
        long callsLeft;
        long initialEcx;

        Run(Image m, byte[] ep, long vma, long epOff, long base) {
            this.m = m;
            this.ep = ep;
            this.vma = vma;
            this.epOff = epOff;
            this.base = base;
        }

        byte[] unpack(boolean threeSections, long va, long maxSize) {
            if (threeSections) {
                threeSectionStub();
            } else {
                twoSectionStub();
            }
            new UpackLzma(m, initialEcx, ebx, edi, endEdi, shift, paddr).run();
            if (!threeSections) {
                callsLeft = variant == Variant.V039 ? m.u32(savedEsi + 0x40) : m.u32(vma + epOff + 0x174);
            }
            fixCalls();
            long size = (endEdi - edi) & U32;
            if (!threeSections && ((va + size) & U32) > m.b.length || threeSections && size > m.b.length) {
                return null;
            }
            PeRebuilder.Part part = new PeRebuilder.Part(va, size, threeSections ? 0 : va, size);
            return PeRebuilder.rebuild(m.b, List.of(part), base, originalEp, 0, 0, maxSize);
        }

        /** Upack 0.39 with three sections, and sample 0297729's variant. */
        private void threeSectionStub() {
            if (Le.u8(ep, 5) == 0xff && Le.u8(ep, 6) == 0x36) {
                variant = Variant.V0297729;
            }
            long esi = (Le.u32(ep, 1) - vma) & U32;
            m.need(esi, 12);
            originalEp = (m.u32(esi) - vma) & U32;
            esi += 8;
            long lngjmpoff;
            if (variant == Variant.V039) {
                edi = (m.u32(esi) - vma) & U32;
                if (m.u8(epOff + 0xa) != 0xeb) {
                    throw Bad.INSTANCE;
                }
                esi = m.s8(epOff + 0xb) + epOff + 0xc;
                alvalue = esi + 0x1a;
                m.need(alvalue, 2);
                if (m.u8(alvalue) != 0xeb) {
                    throw Bad.INSTANCE;
                }
                alvalue++;
                alvalue += m.u8(alvalue) + 1 + 0xa;
                lngjmpoff = 8;
            } else {
                m.need(epOff + 7, 5);
                if (m.u8(epOff + 7) != 0xe9) {
                    throw Bad.INSTANCE;
                }
                esi = m.s32(epOff + 8) + epOff + 0xc;
                alvalue = esi + 0x25;
                lngjmpoff = 10;
            }
            m.need(alvalue, 2);
            if (m.u8(alvalue) != 0xb5) {
                throw Bad.INSTANCE;
            }
            alvalue++;
            count = m.u8(alvalue);
            m.need(alvalue, lngjmpoff + 5);
            if (m.u8(alvalue + lngjmpoff) != 0xe9) {
                throw Bad.INSTANCE;
            }
            long head = m.u32(alvalue + lngjmpoff + 1);
            head = variant == Variant.V039 ? (head + esi + m.s8(esi + 0x1b) + 0x1c + 0x18) & U32
                    : (head + esi + 0x35) & U32;
            long aljump = 8;
            long shroff = 24;
            alvalue = head + 43;
            if (!m.has(alvalue - 1, 2) || m.u8(alvalue - 1) != 0xe3) {
                alvalue = head + 46;
                m.need(alvalue - 1, 2);
                if (m.u8(alvalue - 1) != 0xe3) {
                    throw Bad.INSTANCE;
                }
                if (variant != Variant.V0297729) {
                    variant = Variant.V0151477;
                }
                aljump = 7;
                shroff = 26;
            }
            alvalue += m.u8(alvalue) + 1;
            m.need(alvalue, aljump + 5);
            if (m.u8(alvalue + aljump) != 0xe9) {
                throw Bad.INSTANCE;
            }
            alvalue += (m.u32(alvalue + aljump + 1) + aljump + 1 + 4 + 27) & U32;
            if (variant == Variant.V0297729) {
                alvalue += 2;
            }
            m.need(head + shroff, 3);
            if (m.u8(head + shroff) != 0xc1 || m.u8(head + shroff + 1) != 0xed) {
                throw Bad.INSTANCE;
            }
            shift = m.u8(head + shroff + 2);
            count *= 0x100;
            if (shift < 2 || shift > 8) {
                throw Bad.INSTANCE;
            }
            if (variant == Variant.V0297729) {
                m.need(esi + 6, 10);
                if (m.u8(esi + 6) != 0xbe || m.u8(esi + 11) != 0xbf) {
                    throw Bad.INSTANCE;
                }
                long from = m.u32(esi + 7);
                if (from < base || from > vma) {
                    throw Bad.INSTANCE;
                }
                edi = (m.u32(esi + 12) - vma) & U32;
                esi = (from - base) & U32;
            } else {
                m.need(esi + 7, 5);
                if (m.u8(esi + 7) != 0xbe) {
                    throw Bad.INSTANCE;
                }
                esi = (m.u32(esi + 8) - vma) & U32;
            }
            int words = variant == Variant.V0297729 ? 0x16 : 0x27;
            long lastRead = variant == Variant.V0297729 ? 0x64 : 0x34;
            m.need(edi, 4L * words + 24 + 4 * count);
            m.need(esi, 4L * words + lastRead + 4);
            for (int j = 0; j < words; j++, esi += 4, edi += 4) {
                m.put32(edi, m.u32(esi));
            }
            callsLeft = m.u32(esi + 4);
            paddr = m.u32(edi - 4) - vma;
            ebx = edi;
            initModel(edi);
            edi = variant == Variant.V0297729 ? vma - base : m.s32(esi + 0xc) - vma;
            pushedEsi = edi;
            if (variant == Variant.V0297729) {
                endEdi = m.s32(esi + 0x64) - vma;
                callsLeft = m.u32(esi + 0x40);
            } else {
                endEdi = m.s32(esi + 0x34) - vma;
            }
            if (edi > endEdi) {
                throw Bad.INSTANCE;
            }
            initialEcx = 0;
        }

        /** The coder's start state and the probability table, as the stub writes them at {@code at}. */
        private void initModel(long at) {
            m.need(at, 24 + 4 * count);
            m.put32(at, 0xffffffffL);
            m.put32(at + 4, 0);
            for (int j = 0; j < 4; j++) {
                m.put32(at + 8 + 4L * j, 1);
            }
            for (long j = 0; j < count; j++) {
                m.put32(at + 24 + 4 * j, 0x400);
            }
        }

        long savedEsi;

        /** Upack 0.39 with two sections, and 1.1/1.2. */
        private void twoSectionStub() {
            long esi = vma + epOff;
            if (Le.u8(ep, 0) == 0xbe && Le.u8(ep, 5) == 0xad && Le.u8(ep, 6) == 0x8b && Le.u8(ep, 7) == 0xf8) {
                variant = Variant.V11_12;
            }
            long epJump;
            long stosdCount;
            long contextBits;
            if (variant == Variant.V11_12) {
                epJump = 0x1a4;
                stosdCount = 0x1b;
                contextBits = 0x41;
                alvalue = esi + 0x184;
            } else {
                epJump = 0x217;
                stosdCount = 0x3a;
                contextBits = 0x5f;
                alvalue = esi + 0x1c1;
            }
            m.need(esi, epJump + 4);
            originalEp = (esi + epJump + 4 + m.s32(esi + epJump)) & U32;
            count = m.u8(esi + stosdCount);
            shift = (8 - m.u8(esi + contextBits)) & U32;
            if (shift < 2 || shift > 8) {
                throw Bad.INSTANCE;
            }
            count *= 0x100;
            long ecx = 0;
            if (variant == Variant.V039) {
                esi += 4;
                ecx = m.u32(esi + 2);
                m.put32(esi + 2, 0);
                if (ecx == 0) {
                    throw Bad.INSTANCE;
                }
                esi -= (ecx - 2) & U32;
                m.need(esi, 12);
                long step = (esi - (m.s32(esi) - base)) & U32;
                esi += 4;
                long save2 = m.s32(esi) - base;
                edi = save2;
                esi += 4;
                long words = m.s32(esi);
                if (words < 0) {
                    throw Bad.INSTANCE;
                }
                esi += 4;
                if ((count + words) * 4 > U32) {
                    throw Bad.INSTANCE;
                }
                m.need(esi, words * 4);
                m.need(edi, (words + count) * 4);
                for (; words > 0; words--, edi += 4, esi += 4) {
                    m.put32(edi, m.u32(esi));
                }
                m.need(save2, 8);
                long loops = m.u32(save2);
                save2 += 4;
                // the stub steps over `loops` records of `step` + 4 bytes (a zero count wraps to 2^32 steps)
                long n = loops == 0 ? 1L << 32 : loops;
                esi = save2 + Math.multiplyExact(n, step + 4);
                long fill = m.u32(esi);
                esi += 4;
                for (long j = 0; j < count; j++, edi += 4) {
                    m.put32(edi, fill);
                }
                m.put32(esi + 0x10, m.u32(esi + 0x10) + step);
                ebx = esi + 0x14;
                esi = save2;
                edi = (m.u32(esi) - base) & U32;
                esi += 4;
                m.need(ebx - 4, 12 + 16);
                m.need(esi + 0x24, 4);
                m.need(esi + 0x40, 4);
                paddr = m.s32(ebx - 4) - base;
                pushedEsi = edi;
                endEdi = m.s32(esi + 0x24) - base;
                long first = m.u32(ebx);
                m.put32(ebx, m.u32(ebx + 4));
                m.put32(ebx + 4, first);
                savedEsi = esi;
                ecx = 0;
            } else {
                esi = 0x148;
                edi = m.s32(esi) - base;
                esi += 4;
                long saveEdi = edi;
                paddr = m.u32(esi) - base;
                esi += 4;
                edi += 4;
                ebx = edi;
                initModel(edi);
                edi = m.s32(esi) - base;
                pushedEsi = edi;
                esi += 8;
                endEdi = m.s32(esi - 0x28) - base;
                savedEsi = saveEdi;
            }
            if (edi > endEdi) {
                throw Bad.INSTANCE;
            }
            initialEcx = ecx;
        }

        /** Calls and jumps that carry the marker byte get their big-endian absolute target made relative again. */
        private void fixCalls() {
            int marker = m.u8(alvalue);
            long at = 0;
            while (callsLeft != 0) {
                int op = m.u8(pushedEsi + at);
                at++;
                if (op != 0xe8 && op != 0xe9) {
                    continue;
                }
                long operand = pushedEsi + at;
                long v = m.u32(operand);
                if ((v & 0xff) != marker) {
                    continue;
                }
                long target = Integer.reverseBytes((int) (v & 0xffffff00L)) & U32;
                m.put32(operand, target - at - 4);
                at += 4;
                callsLeft--;
            }
        }
    }
}
