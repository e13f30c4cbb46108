package dev.vigil.unpack.archive;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.Unpacker;

import java.io.IOException;
import java.util.Set;

/**
 * Zip data inside other files (self-extractors, a zip behind a spanning marker, a zip appended to anything): ClamAV's
 * raw scan types every {@code PK\3\4} it meets ({@code CL_TYPE_ZIPSFX}) and, when a valid local header with non-empty
 * sizes starts there, scans that one record as a zip of its own. This unpacker does the same: each such record is a
 * child (typed as a zip by the engine, then opened by {@link ZipUnpacker}); matches inside a record already taken
 * are skipped. As in ClamAV, it does not run on the types whose raw scan has no embedded typing (zip itself, gzip,
 * tar, old cpio, TNEF, OOXML) nor on its own children.
 */
public final class EmbeddedZipUnpacker implements Unpacker {
    private static final Set<String> NOT_TYPED = Set.of("CL_TYPE_ZIP", "CL_TYPE_GZ", "CL_TYPE_CPIO_OLD",
            "CL_TYPE_OLD_TAR", "CL_TYPE_POSIX_TAR", "CL_TYPE_TNEF", "CL_TYPE_OOXML_WORD", "CL_TYPE_OOXML_PPT",
            "CL_TYPE_OOXML_XL", "CL_TYPE_OOXML_HWP", "CL_TYPE_PART_ANY");
    private static final int CHUNK = 1 << 16;

    @Override
    public String name() {
        return "zipsfx";
    }

    @Override
    public boolean alongside() {
        return true;
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return !NOT_TYPED.contains(type.name()) && input.size() >= 30;
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long size = input.size();
        byte[] buf = new byte[CHUNK + 3];
        long skipUntil = 0;
        for (long base = 0; base < size; base += CHUNK) {
            int n = input.read(base, buf, 0, (int) Math.min(buf.length, size - base));
            for (int i = 0; i + 3 < n && i < CHUNK; i++) {
                if (buf[i] != 'P' || buf[i + 1] != 'K' || buf[i + 2] != 3 || buf[i + 3] != 4) {
                    continue;
                }
                long at = base + i;
                if (at < skipUntil) {
                    continue;
                }
                long record = recordSize(input, at);
                if (record <= 0) {
                    continue;
                }
                skipUntil = at + record;
                if (!sink.child(new Child("zipsfx@" + at, "CL_TYPE_ZIPSFX", record),
                        Inputs.stream(input, at, record))) {
                    return;
                }
            }
        }
    }

    /**
     * Length of the zip record (local header, name, extra field, data, data descriptor) at {@code at}, or -1 unless
     * it is complete and declares non-empty sizes (ClamAV's header check).
     */
    static long recordSize(ScanInput input, long at) throws IOException {
        byte[] h = input.readFully(at, 30);
        if (h.length < 30) {
            return -1;
        }
        int flags = ZipDirectory.u16(h, 6);
        long csize = ZipDirectory.u32(h, 18);
        long usize = ZipDirectory.u32(h, 22);
        if (csize == 0 || usize == 0 || csize == 0xffffffffL) {
            return -1;
        }
        long length = 30L + ZipDirectory.u16(h, 26) + ZipDirectory.u16(h, 28) + csize;
        if ((flags & 8) != 0) {
            boolean signed = ZipDirectory.signatureAt(input, at + length, 0x08074b50);
            length += signed ? 16 : 12;
        }
        return at + length <= input.size() ? length : -1;
    }
}
