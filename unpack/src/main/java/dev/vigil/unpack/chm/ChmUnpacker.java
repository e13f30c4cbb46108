package dev.vigil.unpack.chm;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.lzx.LzxInputStream;

import java.io.IOException;
import java.io.InputStream;

/**
 * Microsoft compiled HTML help (CHM, {@code ITSF}), own code, extracted as ClamAV extracts it with libmspack: every
 * file of the directory in directory order, stored files (section 0) copied, compressed ones (section 1) decoded from
 * the LZX content stream, which restarts at the reset-table entry before a file whenever a file lies behind the
 * decoder's position. All decoding of one CHM shares a budget of MaxScanSize bytes.
 */
public final class ChmUnpacker implements Unpacker {
    private static final int COPY_RUN = 512;

    @Override
    public String name() {
        return "chm";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        if (type != null && "CL_TYPE_MSCHM".equals(type.name())) {
            return true;
        }
        byte[] m = input.readFully(0, 4);
        return m.length == 4 && ChmDirectory.u32(m, 0) == 0x46535449L;
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        int maxFiles = sink.limits().maxFiles();
        ChmDirectory dir = ChmDirectory.read(input, maxFiles > 0 ? maxFiles + 1 : Integer.MAX_VALUE);
        if (dir.damaged()) {
            sink.error("CHM directory partly damaged; the entries before the damage are scanned");
        }
        long budget = sink.limits().maxScanSize() > 0 ? sink.limits().maxScanSize() : Long.MAX_VALUE;
        ChmContent content = new ChmContent(input, dir, budget);
        int index = 0;
        int delivered = 0;
        for (ChmDirectory.Entry file : dir.files()) {
            if (!sink.metadata(new EntryMetadata(file.name(), 0, file.length(), false, index++))) {
                return;
            }
            if (file.length() <= 0) {
                continue; // an empty file has nothing to scan
            }
            if (maxFiles > 0 && ++delivered > maxFiles) {
                sink.limitExceeded("MaxFiles", "CHM files past " + maxFiles + " not scanned");
                return;
            }
            InputStream data;
            if (file.section() == 0) {
                data = stored(input, dir, file);
            } else {
                try {
                    data = content.open(file);
                } catch (ChmContent.BudgetExceeded e) {
                    sink.limitExceeded("MaxScanSize", "CHM decompression past " + budget + " bytes stopped");
                    return;
                } catch (UnpackException e) {
                    sink.error(file.name() + ": " + e.getMessage());
                    continue;
                }
            }
            boolean go = sink.child(new Child(file.name(), "CL_TYPE_MSCHM", file.length()),
                    Inputs.untilError(data, sink, file.name()));
            if (content.budgetSpent()) {
                sink.limitExceeded("MaxScanSize", "CHM decompression past " + budget + " bytes stopped");
                return;
            }
            if (!go) {
                return;
            }
        }
    }

    /**
     * A stored file: libmspack copies it in 512-byte runs and stops at the first run the file cannot fill, so a file
     * cut short by the end of the CHM keeps only its whole runs.
     */
    private static InputStream stored(ScanInput input, ChmDirectory dir, ChmDirectory.Entry file) {
        long start = dir.contentStart() + file.offset();
        if (file.offset() < 0 || start < 0 || start >= input.size()) {
            return InputStream.nullInputStream();
        }
        long available = input.size() - start;
        long n = file.length();
        if (available < n) {
            n = available / COPY_RUN * COPY_RUN;
        }
        return Inputs.stream(input, start, n);
    }

    static int windowBits(long windowSize) {
        for (int bits = LzxInputStream.MIN_WINDOW_BITS; bits <= LzxInputStream.MAX_WINDOW_BITS; bits++) {
            if (windowSize == 1L << bits) {
                return bits;
            }
        }
        return -1;
    }
}
