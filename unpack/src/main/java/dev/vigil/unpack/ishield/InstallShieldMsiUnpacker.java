package dev.vigil.unpack.ishield;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.Inputs;
import dev.vigil.unpack.pe.Le;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Files stored by MSI-based InstallShield setup executables (own code), as ClamAV's {@code cli_scanishield_msi}
 * reads them: after {@code "InstallShield\0"}, a 32-byte header with the file count, then per file a 312-byte block
 * (name, compressed size) and a zlib stream whose bytes are nibble-swapped and XORed with a key derived from the name.
 * Output beyond MaxFileSize is cut, as there.
 */
public final class InstallShieldMsiUnpacker implements Unpacker {
    private static final byte[] MARKER = "InstallShield\0".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 0x20;
    private static final int BLOCK = 0x138;
    private static final int NAME = 0x104;
    private static final int[] KEY = {0xec, 0xca, 0x79, 0xf8};
    private static final int CHUNK = 1 << 20;

    @Override
    public String name() {
        return "ishield-msi";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return FileType.MSEXE.equals(type);
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long at = find(input);
        if (at >= 0) {
            extract(input, at + MARKER.length, sink);
        }
    }

    /** The first marker followed where ClamAV's file-type signature expects by a plausible first file block. */
    private static long find(ScanInput in) throws IOException {
        for (long base = 0; base < in.size(); base += CHUNK) {
            byte[] got = in.readFully(base, CHUNK + MARKER.length);
            int hit = 0;
            while ((hit = Le.indexOf(got, MARKER, hit, got.length)) >= 0 && hit < CHUNK) {
                byte[] b = in.readFully(base + hit + MARKER.length + HEADER + NAME, 21);
                if (b.length == 21 && Le.u32(b, 0) == 6 && Le.u32(b, 4) == 0 && Le.u32(b, 16) == 0 && b[20] == 1) {
                    return base + hit;
                }
                hit++;
            }
        }
        return -1;
    }

    private static void extract(ScanInput in, long off, ChildSink sink) throws IOException {
        byte[] h = in.readFully(off, HEADER);
        if (h.length < HEADER) {
            return;
        }
        for (int i = 8; i < HEADER; i += 4) {
            if (Le.u32(h, i) != 0) {
                return;
            }
        }
        long count = Le.u32(h, 0);
        off += HEADER;
        long max = Inputs.maxObject(sink);
        int delivered = 0;
        for (long f = 0; f < count; f++) {
            byte[] fb = in.readFully(off, BLOCK);
            if (fb.length < BLOCK) {
                return;
            }
            off += BLOCK;
            long csize = Le.u32(fb, NAME + 8) | Le.u32(fb, NAME + 12) << 32;
            if (csize < 0 || csize > in.size() - off) {
                return;
            }
            if (csize > max) {
                sink.limitExceeded("MaxFileSize", "InstallShield stream of " + csize + " bytes not scanned");
                off += csize;
                continue;
            }
            int nameLength = 0;
            while (nameLength < NAME - 1 && fb[nameLength] != 0) {
                nameLength++;
            }
            if (nameLength == 0) {
                return;
            }
            String name = new String(fb, 0, nameLength, StandardCharsets.ISO_8859_1);
            byte[] key = new byte[nameLength];
            for (int i = 0; i < nameLength; i++) {
                key[i] = (byte) (fb[i] ^ KEY[i & 3]);
            }
            byte[] data = in.readFully(off, (int) csize);
            off += csize;
            for (int i = 0; i < data.length; i++) {
                int c = data[i] & 0xff;
                c = (c >>> 4 | c << 4) & 0xff;
                data[i] = (byte) (c ^ key[(i & 0x3ff) % nameLength]);
            }
            byte[] out = inflate(data, max);
            if (out.length > max) {
                sink.limitExceeded("MaxFileSize", name + " cut at " + max + " bytes");
            }
            if (++delivered > sink.limits().maxFiles() && sink.limits().maxFiles() > 0) {
                sink.limitExceeded("MaxFiles", "InstallShield files past " + sink.limits().maxFiles());
                return;
            }
            if (!sink.child(new Child(name, "CL_TYPE_ISHIELD_MSI", csize), new ByteArrayInputStream(out))) {
                return;
            }
        }
    }

    /** What zlib gives before the stream ends or breaks, cut a little past {@code max}. */
    private static byte[] inflate(byte[] data, long max) {
        Inflater inflater = new Inflater();
        byte[] out = new byte[8192];
        int n = 0;
        try {
            inflater.setInput(data);
            while (!inflater.finished() && n <= max) {
                if (n == out.length) {
                    out = Arrays.copyOf(out, (int) Math.min(Inputs.HARD_CAP, 2L * out.length));
                }
                int k = inflater.inflate(out, n, (int) Math.min(out.length - n, max + 1 - n));
                if (k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                n += k;
            }
        } catch (DataFormatException broken) {
            // ClamAV scans what was written before the bad data
        } finally {
            inflater.end();
        }
        return Arrays.copyOf(out, (int) Math.min(n, max));
    }
}
