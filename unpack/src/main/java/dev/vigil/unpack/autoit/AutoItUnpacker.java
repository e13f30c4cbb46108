package dev.vigil.unpack.autoit;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.Inputs;
import dev.vigil.unpack.pe.Le;
import dev.vigil.unpack.pe.UpxUnpacker;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Files embedded in compiled AutoIt 3 executables (EA05 and EA06 formats; own code), following ClamAV's
 * {@code cli_scanautoit}: each record is decrypted with the format's keystream and, when compressed, expanded with
 * AutoIt's LZSS variant. Partial output of a broken stream is still scanned, as there. EA06 scripts are delivered as
 * AutoIt stores them (tokenised); ClamAV turns them back into source text first.
 */
public final class AutoItUnpacker implements Unpacker {
    /** A GUID followed by {@code AU3!EA0}; the next byte is the format, '5' or '6'. */
    private static final byte[] MARKER = concat(UpxUnpacker.hexBytes("a3484bbe986c4aa9994c530a86d6487d"),
            "AU3!EA0".getBytes(StandardCharsets.US_ASCII));
    private static final int CHUNK = 1 << 20;

    @Override
    public String name() {
        return "autoit";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return FileType.MSEXE.equals(type);
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long at = find(input);
        if (at < 0) {
            return;
        }
        int version = input.readFully(at + MARKER.length, 1)[0];
        long size = input.size() - (at + MARKER.length + 1);
        if (size > Inputs.maxObject(sink) + (1L << 20)) {
            size = Inputs.maxObject(sink) + (1L << 20);
        }
        byte[] data = input.readFully(at + MARKER.length + 1, (int) Math.min(size, Inputs.HARD_CAP));
        new Records(data, version == '6', sink).run();
    }

    private static long find(ScanInput in) throws IOException {
        for (long base = 0; base < in.size(); base += CHUNK) {
            byte[] got = in.readFully(base, CHUNK + MARKER.length + 1);
            int hit = 0;
            while ((hit = Le.indexOf(got, MARKER, hit, got.length)) >= 0 && hit < CHUNK) {
                if (hit + MARKER.length < got.length && (got[hit + MARKER.length] == '5'
                        || got[hit + MARKER.length] == '6')) {
                    return base + hit;
                }
                hit++;
            }
        }
        return -1;
    }

    /** Walks the records of one script archive. */
    private static final class Records {
        final byte[] d;
        final boolean ea06;
        final ChildSink sink;
        int p;
        int files;

        Records(byte[] d, boolean ea06, ChildSink sink) {
            this.d = d;
            this.ea06 = ea06;
            this.sink = sink;
        }

        void run() throws IOException {
            long checksum = 0;
            if (!Le.has(d, 0, 16)) {
                return;
            }
            for (int i = 0; i < 16; i++) {
                checksum += d[i] & 0xff;
            }
            p = 16;
            while (true) {
                if (!Le.has(d, p, 8) || Le.u32(d, p) != (ea06 ? 0x52ca436bL : 0xceb06dffL)) {
                    return;
                }
                long s = Le.u32(d, p + 4) ^ (ea06 ? 0xadbc : 0x29bc);
                long magicBytes = ea06 ? (s * 2) & 0xffffffffL : s;
                if (magicBytes > Integer.MAX_VALUE) {
                    return;
                }
                p += 8;
                boolean script = ea06 && s == 19 && isScriptMagic(p);
                if (!advance(magicBytes) || !Le.has(d, p, 4)) {
                    return;
                }
                s = Le.u32(d, p) ^ (ea06 ? 0xf820 : 0x29ac);
                long nameBytes = ea06 ? (s * 2) & 0xffffffffL : s;
                if (nameBytes > Integer.MAX_VALUE) {
                    return;
                }
                p += 4;
                if (!advance(nameBytes) || !Le.has(d, p, 13)) {
                    return;
                }
                int compressed = d[p] & 0xff;
                long csize = Le.u32(d, p + 1) ^ (ea06 ? 0x87bc : 0x45aa);
                if (csize > Integer.MAX_VALUE) {
                    return;
                }
                p += 13 + 16;
                if (csize == 0) {
                    continue;
                }
                if (csize > Inputs.maxObject(sink)) {
                    sink.limitExceeded("MaxFileSize", "AutoIt record of " + csize + " bytes not scanned");
                    if (!advance(csize)) {
                        return;
                    }
                    continue;
                }
                if (compressed == 1 && csize < 4) {
                    continue; // ClamAV does not step over these bytes either
                }
                if (!Le.has(d, p, csize)) {
                    return;
                }
                byte[] buf = Arrays.copyOfRange(d, p, p + (int) csize);
                p += (int) csize;
                if (ea06) {
                    AutoItCiphers.lame(buf, 0, buf.length, 0x2477);
                } else {
                    AutoItCiphers.mersenne(buf, 0, buf.length, 0x22af + checksum);
                }
                byte[] out = buf;
                if (compressed == 1) {
                    if (Le.u32(buf, 0) != (ea06 ? 0x36304145L : 0x35304145L)) {
                        continue;
                    }
                    long usize = (long) Le.u8(buf, 4) << 24 | Le.u8(buf, 5) << 16 | Le.u8(buf, 6) << 8 | Le.u8(buf, 7);
                    if (usize == 0) {
                        usize = csize;
                    }
                    if (usize > Inputs.maxObject(sink)) {
                        sink.limitExceeded("MaxFileSize", "AutoIt record expanding to " + usize + " bytes");
                        continue;
                    }
                    out = AutoItLzss.expand(buf, (int) usize, ea06);
                }
                if (out.length < 4) {
                    continue;
                }
                files++;
                int maxFiles = sink.limits().maxFiles();
                if (maxFiles > 0 && files > maxFiles) {
                    sink.limitExceeded("MaxFiles", "AutoIt records past " + maxFiles + " not scanned");
                    return;
                }
                String name = (script ? "script." : "autoit.") + String.format("%03d", files);
                if (!sink.child(new Child(name, "CL_TYPE_AUTOIT", out.length), new ByteArrayInputStream(out))) {
                    return;
                }
            }
        }

        private boolean advance(long n) {
            if (n > d.length - p) {
                return false;
            }
            p += (int) n;
            return true;
        }

        private boolean isScriptMagic(int at) {
            if (!Le.has(d, at, 38)) {
                return false;
            }
            byte[] b = Arrays.copyOfRange(d, at, at + 38);
            AutoItCiphers.lame(b, 0, 38, 19 + 0xb33f);
            return new String(b, StandardCharsets.UTF_16LE).equals(">>>AUTOIT SCRIPT<<<");
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }
}
