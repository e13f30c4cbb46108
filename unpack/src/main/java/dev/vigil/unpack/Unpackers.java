package dev.vigil.unpack;

import dev.vigil.unpack.archive.ArchiveStreamUnpacker;
import dev.vigil.unpack.archive.CompressedStreamUnpacker;
import dev.vigil.unpack.archive.SevenZipUnpacker;
import dev.vigil.unpack.archive.ZipUnpacker;

import java.util.List;

/** The unpackers Vigil ships, in the order they are offered a container. */
public final class Unpackers {
    private Unpackers() {
    }

    /** Archive and compression formats (zip, gzip, bzip2, xz, lzma, tar, cpio, 7z, arj, ar). */
    public static List<Unpacker> archives() {
        return List.of(
                new ZipUnpacker(),
                new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.GZIP),
                new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.BZIP2),
                new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.XZ),
                new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.TAR),
                new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.CPIO),
                new SevenZipUnpacker(),
                new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.ARJ),
                new ArchiveStreamUnpacker(ArchiveStreamUnpacker.Format.AR),
                new CompressedStreamUnpacker(CompressedStreamUnpacker.Format.LZMA));
    }

    /** Every unpacker Vigil ships. */
    public static List<Unpacker> defaults() {
        return archives();
    }
}
