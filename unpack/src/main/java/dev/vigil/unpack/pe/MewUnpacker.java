package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * MEW 11 packed PE files, recognised and rebuilt as ClamAV 1.4 does it (see docs/unpack-executables.md, "MEW").
 *
 * <p>Layout: an empty section (the image to be) followed by the packer's section. The entry point jumps into the
 * PE header at RVA 0x154 or 0x158, where the stub loads a pointer into the packer's section: a 12-byte record
 * (unused word, original entry point VA, first destination VA) and then a chain of aPLib-style streams, each ended
 * by the VA of the next destination (0 for the last). The two sections are mapped into one buffer, the empty one
 * first; the streams are decoded in place, and each stream's output, rounded to 4 KiB, becomes one section of the
 * rebuilt PE. In MEW's LZMA mode (a call at stub+0x7b) those streams hold the LZMA stage, whose block list follows
 * them ({@link MewLzma}); the whole image then becomes one section.
 */
public final class MewUnpacker extends PackedPeUnpacker {
    private static final long U32 = 0xffffffffL;
    /** More sections than {@code cli_rebuildpe} accepts: ClamAV would fail there, so we stop decoding. */
    private static final int MAX_SECTIONS = 96;

    @Override
    public String name() {
        return "mew";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        List<Section> s = pe.sections();
        int i = emptyThenFull(s);
        byte[] ep = pe.epBytes();
        if (i < 0 || ep.length < 16 || Le.u8(ep, 0) != 0xe9) {
            return;
        }
        long stub = (pe.entryRva() + Le.u32(ep, 1) + 5) & U32;
        if (stub != 0x154 && stub != 0x158) {
            return;
        }
        byte[] t = input.readFully(stub, 0xb0);
        if (t.length < 0xb0) {
            return;
        }
        Section image = s.get(i);
        Section packed = s.get(i + 1);
        long offdiff = (Le.u32(t, 1) - pe.imageBase()) & U32;
        // ClamAV compares against the section's raw offset here (not its size); kept, it decides what is unpacked
        if (offdiff <= packed.virtualAddress() || offdiff >= packed.virtualAddress() + packed.rawOffset() - 4) {
            return;
        }
        offdiff -= packed.virtualAddress();
        long ssize = packed.virtualSize();
        long dsize = image.virtualSize();
        if (packed.rawSize() == 0 || offdiff >= ssize + dsize) {
            return;
        }
        long max = Inputs.maxObject(sink);
        if (Math.max(ssize + dsize, packed.rawSize()) > max) {
            sink.limitExceeded("MaxFileSize", "MEW image of " + (ssize + dsize) + " bytes not unpacked");
            return;
        }
        if (packed.rawSize() < offdiff + 12 || packed.rawSize() > ssize) {
            return;
        }
        long lzma = 0;
        if (Le.u8(t, 0x7b) == 0xe8) {
            // the LZMA procedure must lie in the second section (ClamAV checks section 1, whatever i is)
            long proc = (Le.u32(t, 0x7c) + stub + 0x80) & U32;
            Section second = s.get(1);
            if (second.virtualSize() == 0 || proc < second.virtualAddress()
                    || proc + 4 > second.virtualAddress() + second.virtualSize()) {
                return;
            }
            lzma = (Le.u32(t, 0x7c) - ((s.getFirst().virtualAddress() - stub - 0x80) & U32)) & U32;
        }
        byte[] buf = new byte[(int) (ssize + dsize)];
        if (input.read(packed.rawOffset(), buf, (int) dsize, (int) packed.rawSize()) != packed.rawSize()) {
            return;
        }
        byte[] out = unmew(buf, (int) offdiff, ssize, dsize, pe.imageBase(), s.getFirst().virtualAddress(), lzma, max);
        if (out != null) {
            sink.child(new Child("mew-unpacked", "CL_TYPE_MSEXE", out.length), new ByteArrayInputStream(out));
        }
    }

    /** ClamAV's compression hint: the first section without raw data, followed by one with, both with a size. */
    private static int emptyThenFull(List<Section> s) {
        for (int i = 0; i + 1 < s.size(); i++) {
            Section a = s.get(i);
            Section b = s.get(i + 1);
            if (a.rawSize() == 0 && a.virtualSize() != 0 && b.rawSize() != 0 && b.virtualSize() != 0) {
                return i;
            }
        }
        return -1;
    }

    /** ClamAV's containment rule: a non-empty range wholly inside {@code [0, size)}. */
    private static boolean contained(long size, long at, long len) {
        return size > 0 && len > 0 && len <= size && at >= 0 && at + len <= size;
    }

    /**
     * Decodes the stream chain in {@code buf} (the image's {@code dsize} bytes, then the packer's section, whose
     * record starts {@code off} bytes in) and rebuilds the PE; null when the data does not hold together.
     */
    static byte[] unmew(byte[] buf, int off, long ssize, long dsize, long base, long firstRva, long lzma,
                        long maxSize) {
        long vma = base + firstRva;
        long sum = buf.length;
        if (vma > U32 || !contained(sum, off, 12) || dsize + off + 12 > sum) {
            return null;
        }
        long record = dsize + off;
        long entry = Le.u32(buf, record + 4);
        long dst = (Le.u32(buf, record + 8) - vma) & U32;
        long dstLen = (sum - dst) & U32;
        long src = record + 12;
        long srcLen = (ssize - 12 - off) & U32;
        List<PeRebuilder.Part> parts = new ArrayList<>();
        long prevRaw = 0;
        long lastEnd = 0;
        for (int i = 0; ; i++) {
            if (lzma == 0 && i >= MAX_SECTIONS || !contained(sum, src, srcLen) || !contained(sum, dst, dstLen)) {
                return null;
            }
            int[] ends = FsgDecoder.decodeEnds(buf, (int) src, (int) srcLen, buf, (int) dst, (int) dstLen);
            if (ends == null || !contained(sum, ends[0], 4)) {
                return null;
            }
            srcLen = (srcLen - (ends[0] + 4 - src)) & U32;
            src = ends[0] + 4;
            long next = Le.u32(buf, ends[0]);
            dst = (next - vma) & U32;
            dstLen = (sum - dst) & U32;
            if (lzma != 0) {
                lastEnd = ends[0];
                if (next == 0) {
                    break;
                }
                continue;
            }
            long end = (ends[1] + 0xfffL) & ~0xfffL;
            if (i > 0 && end < prevRaw) {
                return null;
            }
            long size = end - prevRaw;
            if (prevRaw + size > dsize) {
                return null;
            }
            parts.add(new PeRebuilder.Part(prevRaw + firstRva, size, prevRaw, size));
            prevRaw = end;
            if (next == 0) {
                break;
            }
        }
        if (lzma != 0) {
            // the streams above were the LZMA stage's own code; its block list follows the last one
            if (!contained(sum, lzma + 8, 1) || !contained(sum, lastEnd + 4, 29)
                    || !MewLzma.decode(buf, lastEnd + 4, vma, (buf[(int) (lzma + 8)] & 0xff) == 0x50)) {
                return null;
            }
            parts.add(new PeRebuilder.Part(firstRva, dsize, 0, dsize));
        }
        return PeRebuilder.rebuild(buf, parts, base, (entry - base) & U32, 0, 0, maxSize, 0x1000);
    }
}
