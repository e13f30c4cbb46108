package dev.vigil.unpack;

import dev.vigil.unpack.archive.ArchiveStreamUnpacker;
import dev.vigil.unpack.archive.ArjUnpacker;
import dev.vigil.unpack.archive.CompressedStreamUnpacker;
import dev.vigil.unpack.archive.EmbeddedZipUnpacker;
import dev.vigil.unpack.archive.RarSfxUnpacker;
import dev.vigil.unpack.archive.RarUnpacker;
import dev.vigil.unpack.archive.SevenZipUnpacker;
import dev.vigil.unpack.archive.ZipUnpacker;
import dev.vigil.unpack.documents.DocumentUnpackers;
import dev.vigil.unpack.executables.ExecutableUnpackers;

import java.util.List;

/** The unpackers Vigil ships, in the order they are offered a container. */
public final class Unpackers {
    private Unpackers() {
    }

    /**
     * Archive and compression formats that clamscan 1.4 unpacks too (zip, gzip, bzip2, xz, tar, cpio, 7z, arj), so
     * that verdicts stay the same as clamscan's; and rar, which clamscan unpacks where its non-free libclamunrar is
     * installed (Debian's clamscan has none: a deliberate difference, see docs/unpack.md).
     */
    public static List<Unpacker> archives() {
        return List.of(
                new ZipUnpacker(),
                new EmbeddedZipUnpacker(),
                new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.GZIP),
                new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.BZIP2),
                new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.XZ),
                new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.TAR),
                new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.CPIO),
                new SevenZipUnpacker(),
                new ArjUnpacker(),
                new RarUnpacker(),
                new RarSfxUnpacker());
    }

    /**
     * Formats clamscan 1.4 does not look into (ar, bare lzma, RAR5 self-extractors): adding them finds more than clamscan does, so they
     * are not in {@link #defaults()}.
     */
    public static List<Unpacker> beyondClamav() {
        return List.of(
                new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.AR),
                new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.LZMA),
                RarSfxUnpacker.withRar5());
    }

    /** Every unpacker Vigil ships. */
    public static List<Unpacker> defaults() {
        List<Unpacker> all = new java.util.ArrayList<>(archives());
        all.addAll(DocumentUnpackers.all());
        all.addAll(ExecutableUnpackers.all());
        return List.copyOf(all);
    }
}
