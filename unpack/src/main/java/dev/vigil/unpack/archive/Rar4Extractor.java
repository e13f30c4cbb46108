package dev.vigil.unpack.archive;

import com.github.junrar.rarfile.FileHeader;
import com.github.junrar.rarfile.HostSystem;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Inputs;

import java.io.IOException;
import java.util.List;

/**
 * RAR 1.5-4.x archives through junrar ({@link GuardedJunrar}): {@link Rar4Blocks} walks the block headers first and
 * cuts junrar's view after MaxFiles file blocks, encrypted headers are reported without calling junrar, stored
 * entries are copied by Vigil, the others decoded by junrar under its guards.
 */
final class Rar4Extractor {
    private static final String TYPE = "CL_TYPE_RAR";
    /** RAR 1.5-4.x method byte of stored entries. */
    private static final int STORED = 0x30;

    private Rar4Extractor() {
    }

    static void extract(ScanInput input, ChildSink sink) throws IOException {
        Rar4Blocks blocks = Rar4Blocks.walk(input, sink.limits().maxFiles());
        if (blocks.encryptedHeaders()) {
            sink.encrypted("(encrypted RAR headers)");
            return;
        }
        if (blocks.cut()) {
            sink.limitExceeded("MaxFiles", "RAR archive lists more than " + sink.limits().maxFiles() + " entries");
        }
        GuardedJunrar archive;
        try {
            archive = GuardedJunrar.open(input, blocks.end(), sink.limits().maxScanTime());
        } catch (IOException e) {
            sink.error("RAR headers: " + e.getMessage());
            return;
        }
        try (archive) {
            List<FileHeader> headers = archive.fileHeaders();
            boolean solid = archive.solidArchive();
            int position = 0;
            for (FileHeader h : headers) {
                if (h.isDirectory() || isUnixSymlink(h)) {
                    // A symbolic link's data is its target's name; what it points to is scanned where it is.
                    continue;
                }
                String name = h.getFileName();
                if (!sink.metadata(new EntryMetadata(name, h.getFullPackSize(), h.getFullUnpackSize(),
                        h.isEncrypted(), ++position))) {
                    return;
                }
                if (h.isEncrypted()) {
                    sink.encrypted(name);
                    continue;
                }
                if (h.isSplitBefore() || h.isSplitAfter()) {
                    sink.error(name + ": RAR entry continues in another volume of a multi-volume archive;"
                            + " not scannable");
                    continue;
                }
                if (h.isBrokenHeader()) {
                    sink.error(name + ": RAR header CRC mismatch; entry not extracted");
                    continue;
                }
                if (h.getUnpMethod() == STORED) {
                    if (!unstore(input, blocks.end(), h, name, sink)) {
                        return;
                    }
                    continue;
                }
                GuardedJunrar.Outcome outcome = archive.extract(h, name, TYPE, sink, solid || h.isSolid());
                if (outcome == GuardedJunrar.Outcome.STOP) {
                    return;
                }
                if (outcome == GuardedJunrar.Outcome.BROKEN && (solid || h.isSolid())) {
                    sink.error("solid RAR: entries after " + name + " depend on it and are not extracted");
                    return;
                }
            }
        }
    }

    private static boolean isUnixSymlink(FileHeader h) {
        return h.getHostOS() == HostSystem.unix && (h.getFileAttr() & 0xf000) == 0xa000;
    }

    /**
     * A stored entry is copied from the archive by Vigil: junrar would allocate a fresh 4 MiB window for each
     * non-solid entry, stored ones included, which makes an archive of thousands of tiny entries cost gigabytes of
     * allocation. Its CRC is checked after the scan, as for RAR5.
     */
    private static boolean unstore(ScanInput input, long end, FileHeader h, String name, ChildSink sink)
            throws IOException {
        long start = h.getDataStartOffset(false);
        long available = Math.max(0, Math.min(h.getFullPackSize(), Math.min(end, input.size()) - start));
        if (available < h.getFullPackSize()) {
            sink.error(name + ": RAR entry truncated (" + available + " of " + h.getFullPackSize() + " bytes)");
        }
        java.util.zip.CheckedInputStream data = new java.util.zip.CheckedInputStream(
                Inputs.stream(input, start, available), new java.util.zip.CRC32());
        boolean goOn = sink.child(new Child(name, TYPE, h.getFullUnpackSize()), data);
        if (goOn && available == h.getFullPackSize() && data.read() < 0
                && data.getChecksum().getValue() != (h.getFileCRC() & 0xffffffffL)) {
            sink.error(name + ": RAR data CRC32 mismatch");
        }
        return goOn;
    }
}
