package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;

/**
 * NsPack-packed PE files, found and unpacked as ClamAV 1.4 does: the entry point (or the target of a {@code jmp}
 * there) holds {@code pushf; pusha; call $+5; pop ebp; mov eax, 7}; a dword 0x54 − [stub+17] bytes before the stub
 * gives the distance from the stub to the packed data: a properties byte (LZMA's lc/lp/pb), the packed and unpacked
 * sizes, then the stream ({@link NspackDecoder}). The unpacked size must equal the first section's virtual size; the
 * original entry point is the target of the {@code jmp} at stub+0x27a. One section is rebuilt.
 */
public final class NspackUnpacker extends PackedPeUnpacker {
    private static final long U32 = 0xffffffffL;
    private static final byte[] STUB = UpxUnpacker.hex("9c60e8000000005db807000000");

    @Override
    public String name() {
        return "nspack";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        byte[] ep = pe.epBytes();
        List<Section> s = pe.sections();
        if (ep.length < 200 || s.isEmpty()) {
            return; // ClamAV stops looking for packers (Petite and after) when fewer than 200 bytes follow the entry
        }
        long lfanew = Le.u32(input.readFully(0x3c, 4), 0);
        byte[] opt = input.readFully(lfanew + 24, 64);
        if (opt.length < 64) {
            return;
        }
        long headerSize = UpxRebuild.align(Le.u32(opt, 60), Math.max(1, Le.u32(opt, 32)));
        long entry = pe.entryRva();
        long stubAt = pe.info().entryPoint();
        byte[] stub = ep;
        if (Le.u8(ep, 0) == 0xe9) {
            entry = Le.u32(ep, 1) + entry + 5 & U32;
            stubAt = rawAddress(entry, s, input.size(), headerSize);
            if (stubAt < 0) {
                return;
            }
            stub = input.readFully(stubAt, 24);
            if (stub.length < 24) {
                return;
            }
        }
        for (int i = 0; i < STUB.length; i++) {
            if (stub[i] != STUB[i]) {
                return;
            }
        }
        long back = 0x54 - Le.u32(stub, 17) & U32;
        byte[] distance = input.readFully(stubAt - back & U32, 4);
        if (distance.length < 4) {
            return;
        }
        long start = stubAt + Le.u32(distance, 0) & U32;
        byte[] head = input.readFully(start, 20);
        if (head.length < 20) {
            return;
        }
        if (Le.u32(head, 0) == 0) {
            start += 4;
            head = input.readFully(start, 16);
            if (head.length < 13) {
                return;
            }
        }
        long declared = Le.u32(head, 5);
        long ssize = declared | 0xff;
        long dsize = Le.u32(head, 9);
        long max = Inputs.maxObject(sink);
        if (Math.max(ssize, dsize) > max) {
            sink.limitExceeded("MaxFileSize", "NsPack image of " + dsize + " bytes not unpacked");
            return;
        }
        if (dsize == 0 || dsize != s.getFirst().virtualSize() || start + ssize > input.size()) {
            return;
        }
        long jumpRva = entry + 0x27a & U32;
        long jumpAt = rawAddress(jumpRva, s, input.size(), headerSize);
        if (jumpAt < 0) {
            return;
        }
        byte[] jump = input.readFully(jumpAt, 5);
        if (jump.length < 5) {
            return;
        }
        long originalEntry = jumpRva + 5 + Le.u32(jump, 1) & U32;
        int props = Le.u8(head, 0);
        if (props >= 0xe1 || declared <= 13) {
            return;
        }
        int lc = props % 45 % 9;
        int lp = props % 45 / 9;
        int pb = props / 45;
        if (2L * NspackDecoder.tableWords(lc, lp) > max) {
            sink.limitExceeded("MaxFileSize", "NsPack model of " + NspackDecoder.tableWords(lc, lp) + " words");
            return;
        }
        byte[] packed = input.readFully(start, (int) declared);
        byte[] image = new byte[(int) dsize];
        if (packed.length != declared || !NspackDecoder.decode(packed, 13, (int) declared - 13, image, lc, lp, pb)) {
            return;
        }
        byte[] out = PeRebuilder.rebuild(image, List.of(new PeRebuilder.Part(s.getFirst().virtualAddress(), dsize, 0,
                dsize)), pe.imageBase(), originalEntry, 0, 0, max);
        if (out != null) {
            sink.child(new Child("nspack-unpacked", "CL_TYPE_MSEXE", out.length), new ByteArrayInputStream(out));
        }
    }

    /** ClamAV's {@code cli_rawaddr}: the file offset of {@code rva}, or -1. */
    static long rawAddress(long rva, List<Section> sections, long fileSize, long headerSize) {
        if (rva < headerSize) {
            return rva < fileSize ? rva : -1;
        }
        for (int i = sections.size() - 1; i >= 0; i--) {
            Section sec = sections.get(i);
            if (sec.rawSize() != 0 && sec.virtualAddress() <= rva && sec.rawSize() > rva - sec.virtualAddress()) {
                return rva - sec.virtualAddress() + sec.rawOffset();
            }
        }
        return -1;
    }
}
