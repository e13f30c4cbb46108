package dev.vigil.unpack.szdd;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.Inputs;
import dev.vigil.unpack.pe.Le;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * Files compressed by Microsoft's {@code COMPRESS.EXE} ("SZDD", expanded by {@code EXPAND.EXE}): a 14-byte header
 * and LZSS with a 4 KiB window. As ClamAV's {@code cli_msexpand}: the window starts zeroed with the write position
 * 16 bytes before its end, decoding runs until the input ends, and output stops at the first 2 KiB boundary at or
 * past the size the header declares (the declared size is otherwise only checked against MaxFileSize).
 */
public final class SzddUnpacker implements Unpacker {
    private static final int HEADER = 14;
    private static final int WINDOW = 4096;
    private static final int FLUSH = 2048;

    @Override
    public String name() {
        return "szdd";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        return "CL_TYPE_MSSZDD".equals(type == null ? null : type.name()) || isSzdd(input.readFully(0, HEADER));
    }

    static boolean isSzdd(byte[] h) {
        return h.length >= HEADER && Le.u32(h, 0) == 0x44445a53L && Le.u32(h, 4) == 0x3327f088L
                && Le.u16(h, 8) == 0x0041;
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        byte[] data = Inputs.readAll(input, sink, "SZDD file");
        if (data == null) {
            return;
        }
        if (!isSzdd(data)) {
            return;
        }
        long declared = Le.u32(data, 10);
        long max = Inputs.maxObject(sink);
        if (declared > max) {
            sink.limitExceeded("MaxFileSize", "SZDD declares " + declared + " bytes");
            return;
        }
        long cap = Math.max(FLUSH, (declared + FLUSH - 1) / FLUSH * FLUSH);
        byte[] out = expand(data, HEADER, (int) Math.min(cap, max));
        sink.child(new Child("szdd-expanded", "CL_TYPE_MSSZDD", declared), new ByteArrayInputStream(out));
    }

    /** Expands {@code in[from..]}, producing at most {@code limit} bytes. */
    public static byte[] expand(byte[] in, int from, int limit) {
        byte[] window = new byte[WINDOW];
        int w = WINDOW - 16;
        byte[] out = new byte[Math.min(limit, Math.max(64, (in.length - from) * 9))];
        int n = 0;
        int r = from;
        decode:
        while (r < in.length) {
            int flags = in[r++] & 0xff;
            for (int bit = 0; bit < 8; bit++) {
                if ((flags & 1 << bit) != 0) {
                    if (r >= in.length || n >= limit) {
                        break decode;
                    }
                    byte b = in[r++];
                    out = ensure(out, n, limit);
                    out[n++] = b;
                    window[w] = b;
                    w = (w + 1) & (WINDOW - 1);
                } else {
                    if (r + 1 >= in.length) {
                        break decode;
                    }
                    int lo = in[r++] & 0xff;
                    int hi = in[r++] & 0xff;
                    int pos = lo | (hi & 0xf0) << 4;
                    int len = (hi & 0x0f) + 3;
                    for (int k = 0; k < len; k++) {
                        if (n >= limit) {
                            break decode;
                        }
                        byte b = window[pos];
                        out = ensure(out, n, limit);
                        out[n++] = b;
                        window[w] = b;
                        pos = (pos + 1) & (WINDOW - 1);
                        w = (w + 1) & (WINDOW - 1);
                    }
                }
            }
        }
        return Arrays.copyOf(out, n);
    }

    private static byte[] ensure(byte[] out, int n, int limit) {
        if (n < out.length) {
            return out;
        }
        return Arrays.copyOf(out, (int) Math.min(limit, Math.max(64L, (long) out.length * 2)));
    }
}
