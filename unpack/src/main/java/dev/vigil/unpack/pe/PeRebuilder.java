package dev.vigil.unpack.pe;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Builds a PE file around unpacked sections with the layout of ClamAV's {@code cli_rebuildpe}: headers up to
 * {@code align(0x1c8 + 0x28·n, 0x200)}, then each section's raw data aligned to 0x200, a leading "ghost" section when
 * the first one starts far above the headers. The header bytes themselves are ours (ClamAV copies a canned header),
 * so offsets match ClamAV's rebuilt files but a hash of the whole file does not.
 */
public final class PeRebuilder {
    /** One rebuilt section: where it is in {@code buffer}, its size there, its RVA and virtual size. */
    public record Part(long rva, long virtualSize, long raw, long rawSize) {
    }

    private static final int PE = 0xd0;
    private static final int DIRECTORIES = 0x148;
    private static final int TABLE = DIRECTORIES + 0x80;

    private PeRebuilder() {
    }

    private static long align(long v, long a) {
        return (v + a - 1) / a * a;
    }

    /** The rebuilt file, or null when it cannot be built (too many sections, too large, data outside buffer). */
    public static byte[] rebuild(byte[] buffer, List<Part> parts, long imageBase, long entryPoint, long resourceRva,
                                 long resourceSize, long maxSize) {
        return rebuild(buffer, parts, imageBase, entryPoint, resourceRva, resourceSize, maxSize, 0);
    }

    /**
     * As {@link #rebuild(byte[], List, long, long, long, long, long)} with ClamAV's {@code cli_rebuildpe_align}
     * rule when {@code align} is not 0: the section table shows RVAs and sizes rounded up to {@code align}, and each
     * section's slot in the file is that rounded size, but only its own {@code rawSize} bytes are copied into it.
     */
    public static byte[] rebuild(byte[] buffer, List<Part> parts, long imageBase, long entryPoint, long resourceRva,
                                 long resourceSize, long maxSize, long align) {
        int n = parts.size();
        if (n == 0) {
            return null;
        }
        long rawBase = align(TABLE + 0x28L * n, 0x200);
        boolean ghost = parts.getFirst().rva() > align(rawBase, 0x1000);
        if (ghost) {
            rawBase = align(TABLE + 0x28L * (n + 1), 0x200);
        }
        if (n + (ghost ? 1 : 0) > 96) {
            return null;
        }
        long dataSize = 0;
        for (Part p : parts) {
            dataSize += align(shown(p.rawSize(), align), 0x200);
        }
        if (rawBase + dataSize > Math.min(maxSize, Inputs.HARD_CAP)) {
            return null;
        }
        byte[] out = new byte[(int) (rawBase + dataSize)];
        out[0] = 'M';
        out[1] = 'Z';
        Le.put32(out, 0x3c, PE);
        Le.put32(out, PE, 0x4550);
        Le.put16(out, PE + 4, 0x14c);
        Le.put16(out, PE + 6, n + (ghost ? 1 : 0));
        Le.put16(out, PE + 20, 0xe0);
        Le.put16(out, PE + 22, 0x818e);
        int opt = PE + 24;
        Le.put16(out, opt, 0x10b);
        Le.put32(out, opt + 16, entryPoint);
        Le.put32(out, opt + 28, imageBase);
        Le.put32(out, opt + 32, 0x1000);
        Le.put32(out, opt + 36, 0x200);
        Le.put16(out, opt + 40, 4);
        Le.put16(out, opt + 48, 4);
        Le.put32(out, opt + 60, rawBase);
        Le.put16(out, opt + 68, 2);
        Le.put32(out, opt + 92, 16);
        Le.put32(out, DIRECTORIES + 0x10, resourceRva);
        Le.put32(out, DIRECTORIES + 0x14, resourceSize);
        long image = align(rawBase, 0x1000);
        int header = TABLE;
        if (ghost) {
            name(out, header, "empty");
            Le.put32(out, header + 8, parts.getFirst().rva() - image);
            Le.put32(out, header + 12, image);
            Le.put32(out, header + 0x24, 0xffffffffL);
            header += 40;
            image += align(parts.getFirst().rva() - image, 0x1000);
        }
        long raw = rawBase;
        for (int i = 0; i < n; i++, header += 40) {
            Part p = parts.get(i);
            name(out, header, String.format(".clam%02d", i + 1));
            Le.put32(out, header + 8, shown(p.virtualSize(), align));
            Le.put32(out, header + 12, shown(p.rva(), align));
            Le.put32(out, header + 16, shown(p.rawSize(), align));
            Le.put32(out, header + 20, raw);
            Le.put32(out, header + 0x24, 0xffffffffL);
            if (p.rawSize() > 0) {
                if (!Le.has(buffer, p.raw(), p.rawSize())) {
                    return null;
                }
                System.arraycopy(buffer, (int) p.raw(), out, (int) raw, (int) p.rawSize());
            }
            raw += align(shown(p.rawSize(), align), 0x200);
            image += align(shown(p.virtualSize(), align), 0x1000);
        }
        Le.put32(out, opt + 56, image);
        return out;
    }

    private static long shown(long v, long align) {
        return align == 0 ? v : align(v, align);
    }

    private static void name(byte[] out, int at, String name) {
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, out, at, Math.min(7, b.length));
    }
}
