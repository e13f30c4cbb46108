package dev.vigil.unpack.ishield;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.pe.Inputs;
import dev.vigil.unpack.pe.Le;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * InstallShield's own cabinet format ({@code ISc(}), as ClamAV's {@code is_parse_hdr}/{@code is_extract_cab} read
 * it: {@code data1.hdr} holds a file table (87-byte records: flags, size, compressed size, stream offset into
 * {@code dataN.cab}, name and directory string offsets); an internal file's stream is a run of chunks, each a 16-bit
 * length and a raw deflate stream of its own. A file is scanned only when every chunk decoded, as in ClamAV.
 */
final class InstallShieldCabinet {
    private static final long MAGIC = 0x28635349L;
    private static final int OBJECTS = 74;
    private static final int FILE_ITEM = 87;
    private static final int FLAG_INTERNAL = 4;
    private static final int MAX_NAME = 4096;

    /** One {@code dataN.cab} volume found in the overlay. */
    record Volume(int number, long offset, long size) {
    }

    /** What the walk over the header ended in. */
    enum Outcome {
        /** Every file read: the header and volumes themselves are not scanned (ClamAV's {@code CL_BREAK}). */
        COMPLETE,
        /** Something was missing or out of place: the header and volumes are scanned as they stand. */
        INCOMPLETE,
        /** The sink asked to stop, or a limit ended the walk. */
        STOP
    }

    private InstallShieldCabinet() {
    }

    static Outcome extract(ScanInput in, long hdr, long hdrSize, List<Volume> volumes, ChildSink sink, int[] delivered)
            throws IOException {
        if (hdrSize == 0 || volumes.isEmpty()) {
            return Outcome.INCOMPLETE;
        }
        byte[] h = in.readFully(hdr, 20);
        if (h.length < 20) {
            return Outcome.INCOMPLETE;
        }
        long dataOff = Le.u32(h, 12);
        byte[] objects = in.readFully(hdr + dataOff, OBJECTS);
        if (objects.length < OBJECTS || Le.u32(h, 0) != MAGIC) {
            return Outcome.INCOMPLETE;
        }
        long dirsOff = Le.u32(objects, 12);
        long filesCount = Le.u32(objects, 40);
        // ClamAV keeps this offset in 32 bits
        long off = (dataOff + dirsOff + Le.u32(objects, 44)) & 0xffffffffL;
        long max = Inputs.maxObject(sink);
        long budget = sink.limits().maxScanSize() > 0 ? sink.limits().maxScanSize() : Long.MAX_VALUE;
        long[] spent = {0};
        Outcome outcome = Outcome.COMPLETE;
        for (long i = 0; i < filesCount; i++, off = (off + FILE_ITEM) & 0xffffffffL) {
            byte[] item = in.readFully(hdr + off, FILE_ITEM);
            if (item.length < FILE_ITEM) {
                // every later record lies further out, past the end as well
                return Outcome.INCOMPLETE;
            }
            int flags = Le.u16(item, 0);
            if (flags != FLAG_INTERNAL || (item[84] & 1) != 0) {
                continue; // external files live outside the setup; duplicates were scanned once
            }
            long size = u64(item, 2);
            long csize = u64(item, 10);
            long streamOff = u64(item, 18);
            int volumeNumber = Le.u16(item, 85);
            if (size == 0) {
                continue;
            }
            Volume volume = volumes.stream().filter(v -> v.number() == volumeNumber).findFirst().orElse(null);
            if (volume == null || !contained(volume, streamOff, csize)) {
                outcome = Outcome.INCOMPLETE;
                continue;
            }
            int maxFiles = sink.limits().maxFiles();
            if (maxFiles > 0 && ++delivered[0] > maxFiles) {
                sink.limitExceeded("MaxFiles", "InstallShield cabinet files past " + maxFiles + " not scanned");
                return Outcome.STOP;
            }
            byte[] data = decode(in, volume.offset() + streamOff, csize, max, budget, spent);
            if (data == null) {
                if (spent[0] > budget) {
                    sink.limitExceeded("MaxScanSize", "InstallShield decompression past " + budget + " bytes stopped");
                    return Outcome.STOP;
                }
                outcome = Outcome.INCOMPLETE; // ClamAV turns a failed stream into "go on, scan the volumes"
                continue;
            }
            String name = name(in, hdr, hdrSize, dataOff, dirsOff, item);
            if (!sink.child(new Child(name, "CL_TYPE_MSEXE", size), new ByteArrayInputStream(data))) {
                return Outcome.STOP;
            }
        }
        return outcome;
    }

    private static boolean contained(Volume v, long streamOff, long csize) {
        return streamOff >= 0 && csize >= 0 && streamOff <= v.size() && csize <= v.size() - streamOff;
    }

    /** {@code dir\name} from the header's string tables; missing strings are left empty. */
    private static String name(ScanInput in, long hdr, long hdrSize, long dataOff, long dirsOff, byte[] item)
            throws IOException {
        long base = dataOff + dirsOff;
        String file = string(in, hdr + base + Le.u32(item, 58));
        String dir = "";
        byte[] p = in.readFully(hdr + base + 4L * Le.u16(item, 62), 4);
        if (p.length == 4) {
            dir = string(in, hdr + base + Le.u32(p, 0));
        }
        return dir.isEmpty() ? file : dir + "\\" + file;
    }

    private static String string(ScanInput in, long at) throws IOException {
        byte[] s = in.readFully(at, MAX_NAME);
        for (int i = 0; i < s.length; i++) {
            if (s[i] == 0) {
                return new String(s, 0, i, StandardCharsets.ISO_8859_1);
            }
        }
        return "";
    }

    /**
     * The file's bytes, cut at {@code max}; null when a chunk is missing or corrupt (ClamAV then scans nothing of
     * it) or the container's decompression budget ran out.
     */
    private static byte[] decode(ScanInput in, long at, long csize, long max, long budget, long[] spent)
            throws IOException {
        byte[] out = new byte[(int) Math.min(max, 1 << 16)];
        int n = 0;
        boolean success = false;
        Inflater inflater = new Inflater(true);
        try {
            while (csize > 0) {
                success = false;
                if (csize < 2) {
                    break;
                }
                csize -= 2;
                byte[] len = in.readFully(at, 2);
                if (len.length < 2) {
                    break;
                }
                at += 2;
                int chunk = Le.u16(len, 0);
                if (chunk == 0) {
                    continue;
                }
                if (csize < chunk) {
                    break;
                }
                csize -= chunk;
                byte[] data = in.readFully(at, chunk);
                if (data.length < chunk) {
                    break;
                }
                at += chunk;
                inflater.reset();
                inflater.setInput(data);
                while (true) {
                    if (n == out.length && n < max) {
                        out = Arrays.copyOf(out, (int) Math.min(max, 2L * out.length));
                    }
                    if (n == out.length) {
                        success = true; // cut at the limit, as ClamAV trims its output
                        break;
                    }
                    int k = inflater.inflate(out, n, out.length - n);
                    n += k;
                    spent[0] += k;
                    if (spent[0] > budget) {
                        return null;
                    }
                    if (inflater.finished() || k == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                        success = true;
                        break;
                    }
                }
            }
        } catch (DataFormatException corrupt) {
            return null;
        } finally {
            inflater.end();
        }
        return success ? Arrays.copyOf(out, n) : null;
    }

    private static long u64(byte[] b, int at) {
        return Le.u32(b, at) | Le.u32(b, at + 4) << 32;
    }
}
