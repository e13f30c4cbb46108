package dev.vigil.unpack.archive;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.Unpacker;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.lzma.LZMACompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * A compressed stream holding one object (gzip, bzip2, xz, lzma): the decompressed data is the single child. The
 * sink's limits cut a bomb short while it is read; decoders whose memory depends on a declared dictionary get a
 * ceiling ({@value #DECODER_MEMORY_KIB} KiB).
 */
public final class CompressedStreamUnpacker implements Unpacker {
    /** Memory a single xz/lzma decoder may take; ClamAV's own LZMA decoder would refuse far smaller. */
    static final int DECODER_MEMORY_KIB = 128 * 1024;

    /** The formats this class knows. */
    public enum Format {
        GZIP("gzip", "CL_TYPE_GZ"),
        BZIP2("bzip2", "CL_TYPE_BZ"),
        XZ("xz", "CL_TYPE_XZ"),
        /** Not unpacked by ClamAV 1.4 (it has no type for bare lzma); recognised by its header. */
        LZMA("lzma", null);

        final String unpackerName;
        final String clamType;

        Format(String unpackerName, String clamType) {
            this.unpackerName = unpackerName;
            this.clamType = clamType;
        }
    }

    private final Format format;

    public CompressedStreamUnpacker(Format format) {
        this.format = format;
    }

    @Override
    public String name() {
        return format.unpackerName;
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        if (format.clamType != null) {
            return format.clamType.equals(type.name());
        }
        return looksLikeLzma(input.readFully(0, 13), input.size());
    }

    /** The "lzma_alone" header: properties byte, power-of-two-ish dictionary, then a size or -1. */
    static boolean looksLikeLzma(byte[] h, long fileSize) {
        if (h.length < 13 || (h[0] & 0xff) >= 9 * 5 * 5) {
            return false;
        }
        long dict = ZipDirectory.u32(h, 1);
        if (dict < 4096 || Long.bitCount(dict) > 2 || dict > (1L << 30)) {
            return false;
        }
        long size = ZipDirectory.i64(h, 5);
        boolean unknown = Arrays.equals(Arrays.copyOfRange(h, 5, 13), new byte[] {-1, -1, -1, -1, -1, -1, -1, -1});
        return (unknown || (size >= 0 && size < (1L << 40))) && fileSize > 13;
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        InputStream raw = Inputs.stream(input);
        InputStream decoded;
        String childName = format.unpackerName + "-data";
        try {
            decoded = switch (format) {
                case GZIP -> {
                    GzipCompressorInputStream gz = GzipCompressorInputStream.builder().setInputStream(raw)
                            .setDecompressConcatenated(true).get();
                    String original = gz.getMetaData().getFileName();
                    if (original != null && !original.isEmpty()) {
                        childName = original;
                    }
                    yield gz;
                }
                case BZIP2 -> new BZip2CompressorInputStream(raw, true);
                case XZ -> new XZCompressorInputStream(raw, true, DECODER_MEMORY_KIB);
                case LZMA -> new LZMACompressorInputStream(raw, DECODER_MEMORY_KIB);
            };
        } catch (IOException | RuntimeException e) {
            sink.error(format.unpackerName + " header: " + e.getMessage());
            return;
        }
        try (decoded) {
            sink.child(new Child(childName, typeName(), -1), Inputs.untilError(decoded, sink, childName));
        }
    }

    private String typeName() {
        return format.clamType != null ? format.clamType : "CL_TYPE_LZMA";
    }
}
