package dev.vigil.unpack.pe;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;

import java.io.IOException;
import java.util.Set;

/**
 * PE files embedded in executables and OLE2 documents (droppers, self-extractors, overlays), found as
 * ClamAV finds them: an {@code MZ} followed within 60 to 300 bytes by {@code PE\0\0}, at a non-zero offset, whose
 * headers parse. As in ClamAV, the PE's length cannot be known from its headers, so the child runs from there to the
 * end of the container; only those no longer than MaxEmbeddedPE are taken, so only that tail of the file is searched.
 * Not in zip files: clamscan 1.4's raw scan never types embedded objects in a zip (its entries are extracted
 * instead), whatever MaxZipTypeRcg says (LimitsComparisonTest holds this to clamscan).
 */
public final class EmbeddedPeUnpacker implements Unpacker {
    private static final Set<String> CONTAINERS = Set.of("CL_TYPE_MSEXE", "CL_TYPE_MSOLE2");
    private static final int CHUNK = 1 << 20;
    /** Longest {@code MZ ... PE\0\0} pattern: 2 + 300 + 4. */
    private static final int PATTERN_SPAN = 306;

    @Override
    public String name() {
        return "embedded-pe";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return type != null && CONTAINERS.contains(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long size = input.size();
        long maxEmbedded = sink.limits().maxEmbeddedPe();
        long start = maxEmbedded > 0 ? Math.max(1, size - maxEmbedded) : 1;
        byte[] buf = new byte[CHUNK + PATTERN_SPAN];
        String parent = ParentType.of(input);
        int found = 0;
        for (long base = start; base < size; base += CHUNK) {
            int n = readUpTo(input, base, buf, (int) Math.min(buf.length, size - base));
            int candidates = (int) Math.min(CHUNK, size - base);
            for (int i = 0; i < candidates && i + 1 < n; i++) {
                if (buf[i] != 'M' || buf[i + 1] != 'Z' || !hasPeSignature(buf, i, n)) {
                    continue;
                }
                long offset = base + i;
                ScanInput pe = new SliceInput(input, offset, size - offset);
                if (PeImage.read(pe) == null) {
                    continue;
                }
                int max = sink.limits().maxFiles();
                if (max > 0 && ++found > max) {
                    sink.limitExceeded("MaxFiles", "embedded PE files past " + max + " not scanned");
                    return;
                }
                if (!sink.child(new Child("embedded-pe@" + offset, parent, pe.size()),
                        new ScanInputStream(pe))) {
                    return;
                }
            }
        }
    }

    private static boolean hasPeSignature(byte[] b, int mz, int n) {
        int last = Math.min(n - 4, mz + PATTERN_SPAN - 4);
        for (int p = mz + 62; p <= last; p++) {
            if (b[p] == 'P' && b[p + 1] == 'E' && b[p + 2] == 0 && b[p + 3] == 0) {
                return true;
            }
        }
        return false;
    }

    private static int readUpTo(ScanInput in, long at, byte[] buf, int len) throws IOException {
        int n = 0;
        while (n < len) {
            int r = in.read(at + n, buf, n, len - n);
            if (r <= 0) {
                break;
            }
            n += r;
        }
        return n;
    }
}
