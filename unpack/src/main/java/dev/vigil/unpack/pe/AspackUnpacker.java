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
 * ASPack 2.12 / 2.x / 2.42 packed PE files, unpacked as ClamAV's {@code unaspack} does: the sections are mapped at
 * their RVAs, every block in the stub's block table is expanded in place (ASPack's canonical-Huffman LZ with a
 * rebuilt-per-block code table), E8/E9 call targets of the first block are restored, and a PE is rebuilt with raw
 * offsets equal to the RVAs.
 */
public final class AspackUnpacker extends PackedPeUnpacker {
    private static final byte[] EP = UpxUnpacker.hex("60e803000000e9eb");
    private static final byte[] PUSH_RET = UpxUnpacker.hex("6800000000c3");
    /** Per version: blocks table, init multipliers, stuff table, call marker, original entry point; EP probe. */
    private static final int[][] OFFSETS = {
            {0x57c, 0x70e, 0x6d6, 0x148, 0x39b, 0x3b9},
            {0x5d8, 0x76a, 0x732, 0x13a, 0x401, 0x41f},
            {0x5e4, 0x776, 0x73e, 0x148, 0x40d, 0x42b}};

    @Override
    public String name() {
        return "aspack";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        byte[] ep = pe.epBytes();
        long fileEp = pe.info().entryPoint();
        if (ep.length < 0x3bf || !Arrays.equals(ep, 0, EP.length, EP, 0, EP.length)) {
            return;
        }
        if (!(fileEp + 58 + 0x70e < input.size() || fileEp + 58 + 0x76a < input.size()
                || fileEp + 58 + 0x776 < input.size())) {
            return;
        }
        int version = -1;
        for (int v = 0; v < 3; v++) {
            int at = OFFSETS[v][5];
            if (Le.has(ep, at, PUSH_RET.length)
                    && Arrays.equals(ep, at, at + PUSH_RET.length, PUSH_RET, 0, PUSH_RET.length)) {
                version = v;
                break;
            }
        }
        if (version < 0) {
            return;
        }
        List<Section> s = pe.sections();
        long size = 0;
        for (Section sec : s) {
            size = Math.max(size, sec.virtualAddress() + sec.virtualSize());
        }
        if (size == 0) {
            return;
        }
        if (size > Inputs.maxObject(sink)) {
            sink.limitExceeded("MaxFileSize", "ASPack image of " + size + " bytes not unpacked");
            return;
        }
        byte[] image = new byte[(int) size];
        for (Section sec : s) {
            if (sec.rawSize() == 0) {
                continue;
            }
            if (sec.virtualAddress() + sec.rawSize() > size
                    || input.read(sec.rawOffset(), image, (int) sec.virtualAddress(), (int) sec.rawSize())
                    != sec.rawSize()) {
                return;
            }
        }
        byte[] out = unpackImage(image, s, pe.entryRva() - 1, pe.imageBase(), version, Inputs.maxObject(sink));
        if (out != null) {
            sink.child(new Child("aspack-unpacked", "CL_TYPE_MSEXE", out.length), new ByteArrayInputStream(out));
        }
    }

    /** Expands all blocks of the mapped image and rebuilds the PE; null when a block is broken. */
    static byte[] unpackImage(byte[] image, List<Section> sections, long ep, long base, int version, long maxSize) {
        int[] o = OFFSETS[version];
        AspackStream stream = new AspackStream();
        long j = 0;
        for (int i = 0; i < 58; i++) {
            stream.initArray[i] = j;
            long at = ep + i + o[1];
            if (at >= 0 && at < image.length) {
                j = (j + (1L << (image[(int) at] & 31))) & 0xffffffffL;
            }
        }
        long blocks = ep + o[0];
        long stuff = ep + o[2];
        long blockRva = 1;
        int first = 0;
        while (Le.has(image, blocks, 8)) {
            blockRva = Le.u32(image, blocks);
            long blockSize = Le.u32(image, blocks + 4);
            if (blockRva == 0 || blockSize == 0 || !Le.has(image, blockRva, blockSize)) {
                break;
            }
            byte[] in = Arrays.copyOf(Arrays.copyOfRange(image, (int) blockRva, (int) (blockRva + blockSize)),
                    (int) blockSize + 0x10e);
            if (!stream.decompressBlock(in, image, stuff, (int) blockRva, (int) blockSize)) {
                break;
            }
            if (first == 0 && blockSize > 7) {
                first = restoreCalls(image, (int) blockRva, (int) blockSize, Le.u8(image, ep + o[3]));
            }
            if (version == 0) {
                blocks += 8;
            } else {
                blocks += 12;
                long guard = 0;
                while (Le.has(image, blocks + 4, 4) && ((Le.u32(image, blocks + 4) + 0x10e) & 0xffffffffL) == 0
                        && guard++ < image.length) {
                    blocks += 12;
                }
            }
        }
        if (blockRva != 0) {
            return null;
        }
        int count = sections.size();
        if (count > 2 && ep == sections.get(count - 2).virtualAddress() && sections.get(count - 1).rawSize() == 0) {
            count -= 2;
        }
        List<PeRebuilder.Part> parts = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Section sec = sections.get(i);
            parts.add(new PeRebuilder.Part(sec.virtualAddress(), sec.virtualSize(), sec.virtualAddress(),
                    sec.virtualSize()));
        }
        byte[] rebuilt = PeRebuilder.rebuild(image, parts, base, Le.u32(image, ep + o[4]), 0, 0, maxSize);
        return rebuilt != null ? rebuilt : image;
    }

    /** Turns the packer's absolute, byte-swapped E8/E9 targets of the first block back into relative ones. */
    private static int restoreCalls(byte[] image, int rva, int size, int marker) {
        int i = 0;
        while (i < size - 6) {
            int b = image[rva + i] & 0xff;
            if ((b == 0xe8 || b == 0xe9) && (image[rva + i + 1] & 0xff) == marker) {
                long target = Le.u32(image, rva + i + 1) & 0xffffff00L;
                target = (target << 24 | target >>> 8) & 0xffffffffL;
                Le.put32(image, rva + i + 1, target - i);
                i += 4;
            }
            i++;
        }
        return i == 0 ? 1 : i;
    }
}
