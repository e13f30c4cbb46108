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
 * UPX-packed PE files (NRV2B/NRV2D/NRV2E): decompresses the packed section pair and rebuilds a PE from the original
 * headers UPX keeps after the import data, as ClamAV's {@code cli_scanpe} does, then offers that image as one child.
 * The packed pair is the first section with no raw data followed by one with raw data (UPX0/UPX1); the decompressor is
 * chosen by the code at the entry point, and all three are tried when that code is not recognised. LZMA-packed
 * files are recognised by their stub as well ({@link UpxLzma}).
 */
public final class UpxUnpacker extends PackedPeUnpacker {
    /** Fragments of the three decoders' i386 code; 13 bytes at EP+0x69 (or +0x71) found in one of them names it. */
    private static final byte[] NRV2B_CODE = hex("11db11c901db75078b1e83eefc11db11c911c9752041 01db");
    private static final byte[] NRV2D_CODE = hex("83f0ff7478d1f889c5eb0b01db75078b1e83eefc11db11c9");
    private static final byte[] NRV2E_CODE = hex("eb5231c983e80372 11c1e0088a064683f0ff7475d1f889c5");

    @Override
    public String name() {
        return "upx";
    }

    @Override
    void unpack(PeImage pe, ScanInput input, ChildSink sink) throws IOException {
        List<Section> s = pe.sections();
        int i = packedPair(s);
        if (i < 0) {
            return;
        }
        Section upx0 = s.get(i);
        Section upx1 = s.get(i + 1);
        long ssize = upx1.rawSize();
        long dsize = upx0.virtualSize() + upx1.virtualSize();
        if (ssize <= 0x19 || dsize <= ssize) {
            return;
        }
        if (dsize > Inputs.maxObject(sink) || ssize > Inputs.maxObject(sink)) {
            sink.limitExceeded("MaxFileSize", "UPX image of " + dsize + " bytes not unpacked");
            return;
        }
        byte[] src = input.readFully(upx1.rawOffset(), (int) ssize);
        if (src.length != ssize) {
            return;
        }
        byte[] image = unpack(src, pe, upx0, upx1, (int) dsize);
        UpxLzma.Stub lzma = UpxLzma.recognise(pe.epBytes());
        // ClamAV tries the LZMA stub after the NRV2 decoders, whatever they did, and its outcome is final; the size
        // it checks and writes is the one the NRV2 rebuild left (the sections' sum when none succeeded).
        int size = image != null ? image.length : (int) dsize;
        if (lzma != null && Integer.toUnsignedLong(lzma.unpackedSize()) <= size) {
            image = UpxLzma.unpack(lzma, input, pe, upx0, upx1, size);
        }
        if (image != null) {
            sink.child(new Child("upx-unpacked", "CL_TYPE_MSEXE", image.length), new ByteArrayInputStream(image));
        }
    }

    /** Index of UPX0 in the section list, or -1. */
    static int packedPair(List<Section> s) {
        for (int i = 0; i + 1 < s.size(); i++) {
            Section a = s.get(i);
            Section b = s.get(i + 1);
            if (a.rawSize() == 0 && a.virtualSize() != 0 && b.rawSize() != 0 && b.virtualSize() != 0) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] unpack(byte[] src, PeImage pe, Section upx0, Section upx1, int dsize) {
        byte[] ep = pe.epBytes();
        Nrv2.Method preferred = recognise(ep);
        int skew = 0;
        if (Le.u8(ep, 1) == 0xbe) {
            long s = Le.u32(ep, 2) - pe.imageBase() - upx1.virtualAddress();
            s = (int) s; // the stub's arithmetic is 32-bit signed
            if (s > 0 && s <= 0xfff && s <= src.length) {
                skew = (int) s;
            }
        }
        List<Nrv2.Method> order = new ArrayList<>();
        if (preferred != null) {
            order.add(preferred);
        }
        for (Nrv2.Method m : Nrv2.Method.values()) {
            if (m != preferred) {
                order.add(m);
            }
        }
        byte[] dst = new byte[dsize];
        for (Nrv2.Method m : order) {
            int[] skews = skew != 0 ? new int[] {skew, 0} : new int[] {0};
            for (int k : skews) {
                int n = Nrv2.decompress(m, src, k, src.length - k, dst);
                if (n > 0) {
                    return UpxRebuild.rebuild(dst, n, upx0.virtualAddress());
                }
                java.util.Arrays.fill(dst, (byte) 0);
            }
        }
        return null;
    }

    static Nrv2.Method recognise(byte[] ep) {
        for (int at : new int[] {0x69, 0x71}) {
            if (!Le.has(ep, at, 13)) {
                continue;
            }
            byte[] probe = java.util.Arrays.copyOfRange(ep, at, at + 13);
            if (Le.indexOf(NRV2B_CODE, probe, 0, NRV2B_CODE.length) >= 0) {
                return Nrv2.Method.NRV2B;
            }
            if (Le.indexOf(NRV2D_CODE, probe, 0, NRV2D_CODE.length) >= 0) {
                return Nrv2.Method.NRV2D;
            }
            if (Le.indexOf(NRV2E_CODE, probe, 0, NRV2E_CODE.length) >= 0) {
                return Nrv2.Method.NRV2E;
            }
        }
        return null;
    }

    /** Bytes from hex digits (spaces ignored), for the byte patterns of the unpackers here. */
    public static byte[] hexBytes(String s) {
        return hex(s);
    }

    static byte[] hex(String s) {
        s = s.replace(" ", "");
        byte[] b = new byte[s.length() / 2];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return b;
    }
}
