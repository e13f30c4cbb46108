package dev.vigil.unpack.nsis;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.pe.Inputs;
import dev.vigil.unpack.pe.Le;
import org.tukaani.xz.LZMAInputStream;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * Nullsoft installers (NSIS) inside PE files, read as ClamAV's {@code cli_scannulsft} reads them: the archive after
 * the first header is either a sequence of blocks (4-byte length, the top bit meaning compressed) or one solid stream
 * of such blocks; solidity and the compressor are guessed the same way. Each block is one child, the script header
 * first. LZMA comes from XZ for Java, deflate from the JDK; NSIS's own bzip2 variant is not read (reported).
 */
public final class NsisUnpacker implements Unpacker {
    /** {@code EF BE AD DE "NullsoftInst"}, 4 bytes into the first header. */
    private static final byte[] SIGNATURE = {(byte) 0xef, (byte) 0xbe, (byte) 0xad, (byte) 0xde, 'N', 'u', 'l', 'l',
            's', 'o', 'f', 't', 'I', 'n', 's', 't'};
    private static final int FIRST_HEADER = 0x1c;
    private static final int CHUNK = 1 << 20;

    enum Compression { BZIP2, LZMA, ZLIB }

    @Override
    public String name() {
        return "nsis";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return FileType.MSEXE.equals(type);
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long at = find(input, 5);
        if (at < 0) {
            return;
        }
        new Archive(input, at - 4, sink).run();
    }

    /** Offset of the first signature at or after {@code from}, or -1. */
    static long find(ScanInput in, long from) throws IOException {
        byte[] buf = new byte[CHUNK + SIGNATURE.length];
        for (long base = from; base < in.size(); base += CHUNK) {
            byte[] got = in.readFully(base, buf.length);
            int hit = Le.indexOf(got, SIGNATURE, 0, Math.min(got.length, CHUNK + SIGNATURE.length));
            if (hit >= 0 && hit < CHUNK) {
                return base + hit;
            }
        }
        return -1;
    }

    static Compression guess(byte[] b, int at) {
        if (Le.u8(b, at) == '1') {
            return Compression.BZIP2;
        }
        return (Le.u32(b, at) & 0x7fffffffL) == 0x5d ? Compression.LZMA : Compression.ZLIB;
    }

    /** One extraction: the archive's bytes, the solidity guess and the running position. */
    private static final class Archive {
        final ChildSink sink;
        final byte[] data;
        final long max;
        Compression compression;
        boolean solid;
        int delivered;

        Archive(ScanInput input, long start, ChildSink sink) throws IOException {
            this.sink = sink;
            this.max = Inputs.maxObject(sink);
            byte[] head = input.readFully(start, FIRST_HEADER);
            long declared = Le.u32(head, 0x18);
            long available = input.size() - start;
            boolean truncated = available < declared;
            long size = truncated ? available : declared;
            if (size > Inputs.HARD_CAP) {
                size = 0;
            }
            byte[] all = size > FIRST_HEADER ? input.readFully(start + FIRST_HEADER, (int) (size - FIRST_HEADER))
                    : new byte[0];
            this.data = all;
            guessLayout(truncated);
        }

        private void guessLayout(boolean truncated) {
            long length = data.length;
            int[] votes = new int[3];
            long pos = 0;
            int p = 0;
            int i = 0;
            while (pos < length - 4) {
                if (!Le.has(data, p, 4)) {
                    break;
                }
                long next = Le.u32(data, p);
                if (i == 0) {
                    compression = guess(data, p);
                }
                p += 4;
                if ((next & 0x80000000L) != 0) {
                    next &= 0x7fffffffL;
                    if (!Le.has(data, p, 4)) {
                        break;
                    }
                    votes[guess(data, p).ordinal()]++;
                    next = (next - 4) & 0xffffffffL;
                    pos += 4;
                    p += 4;
                }
                pos = (pos + 4 + next) & 0xffffffffL;
                i++;
                if (pos > length) {
                    solid = true;
                    break;
                }
                if (p + next > Integer.MAX_VALUE) {
                    break;
                }
                p += (int) next;
            }
            if (truncated && i >= 2) {
                solid = false;
            }
            if (!solid) {
                int bz = votes[0];
                int lz = votes[1];
                int z = votes[2];
                compression = bz < lz ? (lz < z ? Compression.ZLIB : Compression.LZMA)
                        : (bz < z ? Compression.ZLIB : Compression.BZIP2);
            }
        }

        void run() throws IOException {
            if (compression == null || data.length <= 4) {
                return;
            }
            if (solid) {
                runSolid();
            } else {
                runBlocks();
            }
        }

        private void runBlocks() throws IOException {
            int p = 0;
            long left = data.length;
            int index = 0;
            while (Le.has(data, p, 4) && left != 4) {
                long word = Le.u32(data, p);
                p += 4;
                long size = word & 0x7fffffffL;
                if (size == 0) {
                    continue;
                }
                if (left < 4 || size > left - 4 || !Le.has(data, p, size)) {
                    return;
                }
                left -= size + 4;
                byte[] block = Arrays.copyOfRange(data, p, p + (int) size);
                p += (int) size;
                byte[] out;
                if (word == size) {
                    out = block;
                } else {
                    InputStream in = decoder(compression, new ByteArrayInputStream(block));
                    if (in == null) {
                        return;
                    }
                    out = drain(in, max);
                    if (out == null || out.length == 0) {
                        continue;
                    }
                }
                if (!deliver(index++, out)) {
                    return;
                }
            }
        }

        private void runSolid() throws IOException {
            InputStream in = decoder(compression, new ByteArrayInputStream(data));
            if (in == null) {
                return;
            }
            for (int index = 0; ; index++) {
                byte[] sizeBytes = readSome(in, 4);
                if (sizeBytes.length < 4) {
                    return;
                }
                long size = Le.u32(sizeBytes, 0);
                if (size == 0) {
                    continue;
                }
                if (size > max) {
                    sink.limitExceeded("MaxFileSize", "NSIS item of " + size + " bytes not scanned");
                    return;
                }
                byte[] out = readSome(in, (int) size);
                if (out.length == 0 || !deliver(index, out)) {
                    return;
                }
                if (out.length < size) {
                    return;
                }
            }
        }

        private boolean deliver(int index, byte[] out) throws IOException {
            int maxFiles = sink.limits().maxFiles();
            if (maxFiles > 0 && ++delivered > maxFiles) {
                sink.limitExceeded("MaxFiles", "NSIS items past " + maxFiles + " not scanned");
                return false;
            }
            String name = index == 0 ? "headers" : String.format("content.%03d", index);
            return sink.child(new Child(name, "CL_TYPE_NULSFT", out.length), new ByteArrayInputStream(out));
        }

        private InputStream decoder(Compression c, InputStream raw) throws IOException {
            switch (c) {
                case ZLIB:
                    return new InflaterInputStream(raw, new Inflater(true));
                case LZMA: {
                    byte[] props = raw.readNBytes(5);
                    if (props.length < 5) {
                        return null;
                    }
                    long dict = Le.u32(props, 1);
                    // References cannot reach past what is output, and output stops at MaxFileSize.
                    int dictionary = (int) Math.max(4096, Math.min(dict, Math.min(max, 1L << 28)));
                    try {
                        return new LZMAInputStream(raw, -1, props[0], dictionary);
                    } catch (IOException | IllegalArgumentException e) {
                        return null;
                    }
                }
                default:
                    sink.limitExceeded("Unsupported", "NSIS bzip2 archives are not unpacked");
                    return null;
            }
        }

        /** Everything the stream gives before it ends or breaks, at most {@code limit} bytes. */
        private byte[] drain(InputStream in, long limit) {
            byte[] out = readSome(in, (int) Math.min(limit, Inputs.HARD_CAP));
            if (out.length == limit) {
                sink.limitExceeded("MaxFileSize", "NSIS item cut at " + limit + " bytes");
            }
            return out;
        }
    }

    /** Up to {@code n} bytes; a corrupt stream ends the data where it breaks. */
    static byte[] readSome(InputStream in, int n) {
        byte[] out = new byte[Math.min(n, 1 << 16)];
        int got = 0;
        try {
            while (got < n) {
                if (got == out.length) {
                    out = Arrays.copyOf(out, (int) Math.min(n, 2L * out.length));
                }
                int k = in.read(out, got, out.length - got);
                if (k < 0) {
                    break;
                }
                got += k;
            }
        } catch (IOException | RuntimeException corrupt) {
            // keep what was decoded, as ClamAV scans partial output
        }
        return got == out.length ? out : Arrays.copyOf(out, got);
    }
}
