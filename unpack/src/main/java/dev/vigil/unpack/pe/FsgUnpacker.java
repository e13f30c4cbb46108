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
 * FSG-packed PE files, versions 2.0, 1.33 and 1.31, recognised and rebuilt as ClamAV 1.4's {@code cli_scanpe} does.
 * All three have an empty section (the image to be) followed by the packer's section, and decode with FSG's
 * aPLib-style LZ ({@link FsgDecoder}):
 * <ul>
 * <li>2.0 ({@code xchg [imm], esp}): the stub's stack record (found through two pointers in the packer's section)
 * names the destination, the source and a function table holding the original entry point; one stream becomes one
 * section;</li>
 * <li>1.33 ({@code mov esi, imm} into the header area): a support record there names destination, source and the
 * original sections' addresses (VA + 1, zero-ended); one stream per section, back to back;</li>
 * <li>1.31 ({@code mov ebx; mov edi; mov esi}): the sections' addresses are 16-bit page numbers (+2) ended by 1 or 2.
 * </li>
 * </ul>
 * When the rebuild fails after a good decode, ClamAV scans the decoded image as it is; so does this class.
 */
public final class FsgUnpacker extends PackedPeUnpacker {
    private static final long U32 = 0xffffffffL;

    @Override
    public String name() {
        return "fsg";
    }

    /** The fields of one file that the three variants read. */
    private record Layout(PeImage pe, ScanInput input, Section image, Section packed, long base, long min,
                          long headerSize, long maxSize) {
        long ssize() {
            return packed.rawSize();
        }

        long dsize() {
            return image.virtualSize();
        }

        /** ClamAV's containment test on numbers: {@code [at, at + len)} lies inside {@code [start, start + size)}. */
        static boolean contained(long start, long size, long at, long len) {
            return size > 0 && len > 0 && len <= size && at >= start && at + len <= start + size;
        }
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        List<Section> s = pe.sections();
        int i = UpxUnpacker.packedPair(s);
        byte[] ep = pe.epBytes();
        if (i < 0 || ep.length < 16) {
            return;
        }
        long base = pe.imageBase();
        long min = Long.MAX_VALUE;
        for (Section sec : s) {
            min = Math.min(min, sec.virtualAddress());
        }
        long lfanew = Le.u32(input.readFully(0x3c, 4), 0);
        byte[] opt = input.readFully(lfanew + 24, 64);
        if (opt.length < 64) {
            return;
        }
        long headerSize = UpxRebuild.align(Le.u32(opt, 60), Math.max(1, Le.u32(opt, 32)));
        Layout l = new Layout(pe, input, s.get(i), s.get(i + 1), base, min, headerSize, Inputs.maxObject(sink));
        long imm = Le.u32(ep, 1) - base & U32;
        int op = Le.u8(ep, 0);
        Result r = null;
        if (op == 0x87 && Le.u8(ep, 1) == 0x25) {
            r = v200(l, ep, sink);
        }
        if (r == null && op == 0xbe && imm < min) {
            r = v133(l, ep, sink);
        }
        if (r == null && op == 0xbb && imm < min && Le.u8(ep, 5) == 0xbf && Le.u8(ep, 10) == 0xbe
                && pe.entryRva() >= l.packed.virtualAddress()
                && pe.entryRva() - l.packed.virtualAddress() > (l.packed.virtualAddress() - 0xe0 & U32)) {
            r = v131(l, ep, sink);
        }
        if (r != null && r.file != null) {
            String name = r.rebuilt ? "fsg-unpacked" : "fsg-decompressed";
            sink.child(new Child(name, "CL_TYPE_MSEXE", r.file.length), new ByteArrayInputStream(r.file));
        }
    }

    /** A decoded file: rebuilt, or the bare image when the rebuild failed; {@code file} null when ClamAV stopped. */
    private record Result(byte[] file, boolean rebuilt) {
        static final Result STOP = new Result(null, false);
    }

    /** ClamAV's size checks; null to go on, {@link Result#STOP} where ClamAV ends the scan of this PE. */
    private static Result sizes(Layout l, ChildSink sink) {
        if (Math.max(l.dsize(), l.ssize()) > l.maxSize) {
            sink.limitExceeded("MaxFileSize", "FSG image of " + l.dsize() + " bytes not unpacked");
            return Result.STOP;
        }
        if (l.ssize() <= 0x19 || l.dsize() <= l.ssize()) {
            return Result.STOP;
        }
        return null;
    }

    private static byte[] packedBytes(Layout l) throws IOException {
        byte[] src = l.input.readFully(l.packed.rawOffset(), (int) l.ssize());
        return src.length == l.ssize() ? src : null;
    }

    private static Result v200(Layout l, byte[] ep, ChildSink sink) throws IOException {
        Result stop = sizes(l, sink);
        if (stop != null) {
            return stop;
        }
        long rva1 = l.packed.virtualAddress();
        long rsz1 = l.packed.rawSize();
        long edx = Le.u32(ep, 2) - l.base & U32;
        if (!Layout.contained(rva1, rsz1, edx, 4)) {
            return null;
        }
        byte[] src = packedBytes(l);
        if (src == null) {
            return Result.STOP;
        }
        long at = edx - rva1;
        if (edx < rva1 || !Layout.contained(0, src.length, at, 4)) {
            return null;
        }
        edx = Le.u32(src, at) - l.base & U32;
        if (!Layout.contained(rva1, rsz1, edx, 4)) {
            return null;
        }
        at = edx - rva1;
        if (!Layout.contained(0, src.length, at, 32)) {
            return null;
        }
        long edi = Le.u32(src, at) - l.base & U32;
        long esi = Le.u32(src, at + 4) - l.base & U32;
        long ebx = Le.u32(src, at + 16) - l.base & U32;
        if (edi != l.image.virtualAddress() || esi < rva1 || esi - rva1 >= rsz1
                || !Layout.contained(rva1, rsz1, ebx, 16)) {
            return null;
        }
        long oldEp = Le.u32(src, ebx + 12 - rva1) - l.base & U32;
        int dsize = (int) l.dsize();
        byte[] dest = new byte[dsize];
        int from = (int) (esi - rva1);
        if (!FsgDecoder.decode(src, from, src.length - from, dest, 0, dsize)) {
            return null;
        }
        byte[] pe = PeRebuilder.rebuild(dest, List.of(new PeRebuilder.Part(edi, dsize, 0, dsize)), l.base, oldEp, 0,
                0, l.maxSize);
        return pe != null ? new Result(pe, true) : new Result(dest, false);
    }

    private static Result v133(Layout l, byte[] ep, ChildSink sink) throws IOException {
        Result stop = sizes(l, sink);
        if (stop != null) {
            return stop;
        }
        long rva1 = l.packed.virtualAddress();
        long t = Le.u32(ep, 1) - l.base & U32;
        if (t >= l.headerSize || t >= l.input.size() || l.packed.rawOffset() < t + 16) {
            return null; // support data outside the header area (or too short to hold its three words)
        }
        long gp = l.packed.rawOffset() - t;
        if (gp > l.maxSize) {
            sink.limitExceeded("MaxFileSize", "FSG support data of " + gp + " bytes not read");
            return Result.STOP;
        }
        byte[] support = l.input.readFully(t, (int) gp);
        if (support.length != gp) {
            return Result.STOP;
        }
        long edi = Le.u32(support, 4) - l.base & U32;
        long esi = Le.u32(support, 8) - l.base & U32;
        if (esi < rva1 || esi - rva1 >= l.packed.rawSize() || edi != l.image.virtualAddress()) {
            return null;
        }
        List<Long> rvas = new ArrayList<>();
        rvas.add(edi);
        int at = 12;
        for (; at < gp - 4; at += 4) {
            long v = Le.u32(support, at);
            if (v == 0) {
                break;
            }
            long rva = v - (l.base + 1) & U32;
            rvas.add(rva);
            if (rva < l.image.virtualAddress() || rva - l.image.virtualAddress() >= l.image.virtualSize()) {
                break;
            }
        }
        if (at >= gp - 4 || Le.u32(support, at) != 0) {
            return null;
        }
        if (ep.length < 167) {
            return null;
        }
        long oldEp = l.pe.entryRva() + 161 + 6 + Le.u32(ep, 163) & U32;
        return chained(l, esi, rvas, oldEp);
    }

    private static Result v131(Layout l, byte[] ep, ChildSink sink) throws IOException {
        long rva1 = l.packed.virtualAddress();
        long t = Le.u32(ep, 1) - l.base & U32;
        long esi = Le.u32(ep, 11) - l.base & U32;
        long edi = Le.u32(ep, 6) - l.base & U32;
        long epInPacked = l.pe.entryRva() - rva1;
        if (t >= l.headerSize || t >= l.input.size()) {
            return null;
        }
        // ClamAV bounds the source by the section's raw offset here, not its size; kept
        if (esi < rva1 || esi - rva1 >= l.packed.rawOffset() || edi != l.image.virtualAddress()) {
            return null;
        }
        Result stop = sizes(l, sink);
        if (stop != null) {
            return stop;
        }
        if (l.packed.rawOffset() < t + 12) {
            return null;
        }
        long gp = l.packed.rawOffset() - t;
        if (gp > l.maxSize) {
            sink.limitExceeded("MaxFileSize", "FSG support data of " + gp + " bytes not read");
            return Result.STOP;
        }
        byte[] support = l.input.readFully(t, (int) gp);
        if (support.length != gp) {
            return Result.STOP;
        }
        List<Long> rvas = new ArrayList<>();
        rvas.add(edi);
        int at = 0;
        for (; at < gp - 2; at += 2) {
            int page = Le.u16(support, at);
            if (page == 1 || page == 2) {
                break;
            }
            long rva = ((long) (page - 2) << 12) - l.base & U32;
            rvas.add(rva);
            if (rva < l.image.virtualAddress() || rva - l.image.virtualAddress() >= l.image.virtualSize()) {
                break;
            }
        }
        if (at >= gp - 10 || Le.u32(support, at + 6) != 2 || rvas.size() == 1) {
            return null; // (with no section listed ClamAV's own loop would run away; we stop)
        }
        byte[] src = packedBytes(l);
        if (src == null) {
            return Result.STOP;
        }
        int gpCode = 0xda + (Le.u8(ep, 16) == 0xe8 ? 6 : 0);
        long jump = gpCode + 2 + epInPacked;
        if (!Le.has(src, jump, 4)) {
            return null; // ClamAV reads this without a check
        }
        long oldEp = l.pe.entryRva() + gpCode + 6 + Le.u32(src, jump) & U32;
        return chained(l, esi, rvas, oldEp);
    }

    /** 1.33/1.31: one stream per section, back to back; sections sorted by RVA, sizes from the gaps; rebuilt. */
    private static Result chained(Layout l, long esi, List<Long> rvas, long oldEp) throws IOException {
        byte[] src = packedBytes(l);
        if (src == null) {
            return Result.STOP;
        }
        int dsize = (int) l.dsize();
        byte[] dest = new byte[dsize];
        int in = (int) (esi - l.packed.virtualAddress());
        int out = 0;
        int n = rvas.size();
        long[] rva = new long[n];
        long[] raw = new long[n];
        long[] rsz = new long[n];
        for (int k = 0; k < n; k++) {
            int[] ends = FsgDecoder.decodeEnds(src, in, src.length - in, dest, out, dsize - out);
            if (ends == null) {
                return null;
            }
            rva[k] = rvas.get(k);
            raw[k] = out;
            rsz[k] = ends[1] - out;
            in = ends[0];
            out = ends[1];
        }
        // ClamAV's bubble sort by RVA moves raw offsets and sizes along
        for (boolean swapped = true; swapped; ) {
            swapped = false;
            for (int k = 0; k + 1 < n; k++) {
                if (rva[k] > rva[k + 1]) {
                    swap(rva, k);
                    swap(raw, k);
                    swap(rsz, k);
                    swapped = true;
                }
            }
        }
        List<PeRebuilder.Part> parts = new ArrayList<>();
        long last = dsize;
        for (int k = 0; k < n; k++) {
            long vsz;
            if (k + 1 < n) {
                vsz = rva[k + 1] - rva[k] & U32;
                last -= vsz;
            } else {
                vsz = last & U32;
            }
            parts.add(new PeRebuilder.Part(rva[k], vsz, raw[k], rsz[k]));
        }
        byte[] pe = PeRebuilder.rebuild(dest, parts, l.base, oldEp, 0, 0, l.maxSize);
        return pe != null ? new Result(pe, true) : new Result(dest, false);
    }

    private static void swap(long[] a, int k) {
        long t = a[k];
        a[k] = a[k + 1];
        a[k + 1] = t;
    }
}
