package dev.vigil.unpack.pe;

import dev.vigil.engine.exe.Section;
import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/**
 * UPX's LZMA method, recognised as ClamAV recognises it: by two layouts of the i386 stub, both of which carry the
 * unpacked size as an immediate and one the LZMA properties. The compressed data in UPX1 (after the stub's skew, then
 * two bytes of UPX's own) is raw LZMA with the whole unpacked image as its dictionary; the image then goes through the
 * same PE rebuild as the NRV2 methods.
 *
 * <p>The stubs ClamAV knows are those of the UPX 2.x/3.0x era, which pad their code with {@code nop}s; UPX 3.94's
 * stub has no padding, so ClamAV (and this class) leave its LZMA files packed.
 */
final class UpxLzma {
    /** At EP+0x2f: the stub with lc 3, lp 0, pb 2 built in (the properties are not read from it). */
    private static final byte[] STUB_FIXED = UpxUnpacker.hex("5683c3045350c703 03000200 9090909090 555756");
    /** At EP+0x39 and EP+0x45: the stub whose properties are the immediate at EP+0x41. */
    private static final byte[] STUB_FIRST = UpxUnpacker.hex("5683c3045350c703");
    private static final byte[] STUB_SECOND = UpxUnpacker.hex("9090905557565383");
    private static final int FIXED_PROPERTIES = 0x20003;

    /** What the stub says: the unpacked size and the properties (lc in bits 0-7, lp 8-15, pb 16-23). */
    record Stub(int unpackedSize, int properties) {
    }

    private UpxLzma() {
    }

    /** The LZMA stub's parameters, or null when the entry point holds neither layout. */
    static Stub recognise(byte[] ep) {
        if (at(ep, 0x2f, STUB_FIXED)) {
            return Le.has(ep, 0x21, 4) ? new Stub((int) Le.u32(ep, 0x21), FIXED_PROPERTIES) : null;
        }
        if (at(ep, 0x39, STUB_FIRST) && at(ep, 0x45, STUB_SECOND)) {
            return new Stub((int) Le.u32(ep, 0x2b), (int) Le.u32(ep, 0x41));
        }
        return null;
    }

    private static boolean at(byte[] b, int offset, byte[] pattern) {
        if (!Le.has(b, offset, pattern.length)) {
            return false;
        }
        for (int i = 0; i < pattern.length; i++) {
            if (b[offset + i] != pattern[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The unpacked and rebuilt file, {@code size} bytes long as ClamAV writes it (the rebuilt PE over the unpacked
     * image, cut or padded to the size the section headers give), or null when the stream is not valid LZMA.
     *
     * @param size the size checked against and written: UPX0 + UPX1's virtual sizes, at most MaxFileSize
     */
    static byte[] unpack(Stub stub, ScanInput input, PeImage pe, Section upx0, Section upx1, int size)
            throws IOException {
        int lc = stub.properties() & 0xff;
        int lp = stub.properties() >>> 8 & 0xff;
        int pb = stub.properties() >>> 16 & 0xff;
        int unpacked = stub.unpackedSize();
        if (lc >= 9 || lp >= 5 || pb >= 5 || unpacked == 0) {
            // ClamAV fails the first case; with a size of 0 it would read a size from the stream and scan a header
            // over nothing, which has no content to find
            return null;
        }
        long ssize = upx1.rawSize();
        int skew = skew(pe, upx1, ssize);
        // ClamAV hands the decoder the section's length from 2 bytes in, so it may read 2 bytes past the section
        long from = upx1.rawOffset() + skew + 2;
        long available = Math.max(0, Math.min(ssize - skew, input.size() - from));
        byte[] stream = input.readFully(from, (int) available);
        byte[] image = new byte[unpacked];
        int n = RawLzma.decode(stream, 0, stream.length, image, unpacked, lc, lp, pb);
        if (n == RawLzma.DATA_ERROR) {
            return null;
        }
        // The rebuild looks for the header in the whole declared image, decoded or not, as ClamAV's does.
        byte[] rebuilt = UpxRebuild.rebuild(image, unpacked, upx0.virtualAddress());
        byte[] out = new byte[size];
        System.arraycopy(image, 0, out, 0, Math.min(unpacked, size));
        if (rebuilt != null) {
            System.arraycopy(rebuilt, 0, out, 0, Math.min(rebuilt.length, size));
        }
        return out;
    }

    /** 0x15 when the stub's {@code pusha; mov esi, imm} points 0x15 bytes into UPX1 (ClamAV knows no other skew). */
    private static int skew(PeImage pe, Section upx1, long ssize) {
        byte[] ep = pe.epBytes();
        if (ssize <= 0x15 || !Le.has(ep, 0, 6) || Le.u8(ep, 0) != 0x60 || Le.u8(ep, 1) != 0xbe) {
            return 0;
        }
        long s = Le.u32(ep, 2) - upx1.virtualAddress() - pe.imageBase() & 0xffffffffL;
        return s == 0x15 ? 0x15 : 0;
    }
}
