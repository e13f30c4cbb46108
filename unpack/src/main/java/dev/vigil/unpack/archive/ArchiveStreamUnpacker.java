package dev.vigil.unpack.archive;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.Unpacker;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.ArchiveInputStream;
import org.apache.commons.compress.archivers.ar.ArArchiveInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Archives read front to back by Commons Compress's streaming readers: tar (v7, ustar, GNU and POSIX/pax), cpio
 * (old binary in both byte orders, odc, newc, crc) and ar. (ARJ has its own reader, {@link ArjUnpacker}: Commons
 * Compress decodes stored ARJ entries only.) Entries are handed to the sink one after another; memory does not depend on the
 * archive.
 */
public final class ArchiveStreamUnpacker implements Unpacker {

    /** The formats this class knows. */
    public enum Format {
        TAR("tar", List.of("CL_TYPE_POSIX_TAR", "CL_TYPE_OLD_TAR")),
        CPIO("cpio", List.of("CL_TYPE_CPIO_OLD", "CL_TYPE_CPIO_ODC", "CL_TYPE_CPIO_NEWC", "CL_TYPE_CPIO_CRC")),
        /** Not unpacked by ClamAV 1.4; recognised by its {@code !<arch>} header. */
        AR("ar", List.of());

        final String unpackerName;
        final List<String> clamTypes;

        Format(String unpackerName, List<String> clamTypes) {
            this.unpackerName = unpackerName;
            this.clamTypes = clamTypes;
        }
    }

    private static final byte[] AR_MAGIC = "!<arch>\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Format format;

    public ArchiveStreamUnpacker(Format format) {
        this.format = format;
    }

    @Override
    public String name() {
        return format.unpackerName;
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        if (format == Format.AR) {
            return java.util.Arrays.equals(input.readFully(0, AR_MAGIC.length), AR_MAGIC);
        }
        return format.clamTypes.contains(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        InputStream raw = Inputs.stream(input);
        ArchiveInputStream<? extends ArchiveEntry> archive;
        try {
            archive = switch (format) {
                case TAR -> new TarArchiveInputStream(raw, true);
                case CPIO -> new CpioArchiveInputStream(raw);
                case AR -> new ArArchiveInputStream(raw);
            };
        } catch (RuntimeException e) {
            sink.error(format.unpackerName + " header: " + e.getMessage());
            return;
        }
        String type = format == Format.AR ? "CL_TYPE_AR" : format.clamTypes.getFirst();
        try (archive) {
            int position = 0;
            while (true) {
                ArchiveEntry entry;
                try {
                    entry = archive.getNextEntry();
                } catch (IOException | RuntimeException e) {
                    sink.error("entry header: " + e.getMessage());
                    return;
                }
                if (entry == null) {
                    return;
                }
                if (format != Format.AR && !entry.isDirectory()) {
                    long size = Math.max(0, entry.getSize());
                    if (!sink.metadata(new EntryMetadata(entry.getName(), size, size, false, ++position))) {
                        return;
                    }
                }
                if (entry.isDirectory()) {
                    continue;
                }
                if (!archive.canReadEntryData(entry)) {
                    sink.error(entry.getName() + ": unsupported (compressed or encrypted) entry");
                    continue;
                }
                if (!sink.child(new Child(entry.getName(), type, entry.getSize()),
                        Inputs.untilError(archive, sink, entry.getName()))) {
                    return;
                }
            }
        }
    }
}
