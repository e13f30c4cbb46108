package dev.vigil.unpack.archive;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.Unpacker;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZMethodConfiguration;

import java.io.IOException;

/**
 * 7z through Commons Compress's {@link SevenZFile}, with a ceiling on the memory it may estimate for headers and
 * decoders ({@value #MEMORY_LIMIT_KIB} KiB): a header that declares millions of entries or a decoder with a huge
 * dictionary is refused instead of allocated. AES-encrypted entries (or headers) are reported, not cracked.
 */
public final class SevenZipUnpacker implements Unpacker {
    static final int MEMORY_LIMIT_KIB = 128 * 1024;
    private static final String TYPE = "CL_TYPE_7Z";

    @Override
    public String name() {
        return "7z";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return TYPE.equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        SevenZFile archive;
        try {
            archive = SevenZFile.builder().setSeekableByteChannel(Inputs.channel(input))
                    .setMaxMemoryLimitKiB(MEMORY_LIMIT_KIB).setTryToRecoverBrokenArchives(false)
                    .setUseDefaultNameForUnnamedEntries(true).setDefaultName("7z-entry").get();
        } catch (PasswordRequiredException e) {
            sink.encrypted("(encrypted 7z header)");
            return;
        } catch (IOException | RuntimeException e) {
            sink.error("7z header: " + e.getMessage());
            return;
        }
        try (archive) {
            int seen = 0;
            int index = -1;
            while (true) {
                SevenZArchiveEntry entry;
                try {
                    entry = archive.getNextEntry();
                } catch (IOException | RuntimeException e) {
                    sink.error("7z entry: " + e.getMessage());
                    return;
                }
                if (entry == null) {
                    return;
                }
                index++;
                if (entry.isDirectory()) {
                    continue;
                }
                // ClamAV counts 7z entries from 0 and gives no stored size.
                if (!sink.metadata(new EntryMetadata(entry.getName(), 0, entry.getSize(), encrypted(entry), index))) {
                    return;
                }
                if (!entry.hasStream()) {
                    continue;
                }
                if (sink.limits().maxFiles() > 0 && ++seen > sink.limits().maxFiles()) {
                    sink.limitExceeded("MaxFiles", "7z lists more than " + sink.limits().maxFiles() + " entries");
                    return;
                }
                if (encrypted(entry)) {
                    sink.encrypted(entry.getName());
                    continue;
                }
                if (!sink.child(new Child(entry.getName(), TYPE, entry.getSize()),
                        Inputs.untilError(new EntryStream(archive), sink, entry.getName()))) {
                    return;
                }
            }
        }
    }

    private static boolean encrypted(SevenZArchiveEntry entry) {
        try {
            for (SevenZMethodConfiguration m : entry.getContentMethods()) {
                if (m.getMethod() == SevenZMethod.AES256SHA256) {
                    return true;
                }
            }
        } catch (RuntimeException e) {
            return false;
        }
        return false;
    }

    /** The current entry of a {@link SevenZFile} as a stream. */
    private static final class EntryStream extends java.io.InputStream {
        private final SevenZFile archive;

        EntryStream(SevenZFile archive) {
            this.archive = archive;
        }

        @Override
        public int read() throws IOException {
            return archive.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return archive.read(b, off, len);
        }
    }
}
