package dev.vigil.unpack;

import org.apache.commons.compress.archivers.ar.ArArchiveEntry;
import org.apache.commons.compress.archivers.ar.ArArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorOutputStream;
import org.apache.commons.compress.utils.SeekableInMemoryByteChannel;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;

/** Builds containers in memory for the tests, with Commons Compress's writers and the JDK. */
final class Containers {
    private Containers() {
    }

    static Map<String, byte[]> one(String name, byte[] data) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put(name, data);
        return m;
    }

    static byte[] zip(Map<String, byte[]> entries, boolean stored) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ZipArchiveOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                ZipArchiveEntry z = new ZipArchiveEntry(e.getKey());
                if (stored) {
                    z.setMethod(ZipEntry.STORED);
                    z.setSize(e.getValue().length);
                    var crc = new java.util.zip.CRC32();
                    crc.update(e.getValue());
                    z.setCrc(crc.getValue());
                }
                out.putArchiveEntry(z);
                out.write(e.getValue());
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] zip(String name, byte[] data) throws IOException {
        return zip(one(name, data), false);
    }

    static byte[] tar(Map<String, byte[]> entries) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new TarArchiveOutputStream(bytes)) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (var e : entries.entrySet()) {
                TarArchiveEntry t = new TarArchiveEntry(e.getKey());
                t.setSize(e.getValue().length);
                out.putArchiveEntry(t);
                out.write(e.getValue());
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    static byte[] tar(String name, byte[] data) throws IOException {
        return tar(one(name, data));
    }

    static byte[] cpio(String name, byte[] data) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new CpioArchiveOutputStream(bytes, CpioConstants.FORMAT_NEW)) {
            CpioArchiveEntry c = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name, data.length);
            c.setMode(CpioConstants.C_ISREG | 0644);
            out.putArchiveEntry(c);
            out.write(data);
            out.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    static byte[] ar(String name, byte[] data) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (var out = new ArArchiveOutputStream(bytes)) {
            out.putArchiveEntry(new ArArchiveEntry(name, data.length));
            out.write(data);
            out.closeArchiveEntry();
        }
        return bytes.toByteArray();
    }

    static byte[] sevenZip(String name, byte[] data) throws IOException {
        var channel = new SeekableInMemoryByteChannel();
        try (var out = new SevenZOutputFile(channel)) {
            SevenZArchiveEntry e = new SevenZArchiveEntry();
            e.setName(name);
            e.setSize(data.length);
            out.putArchiveEntry(e);
            out.write(data);
            out.closeArchiveEntry();
        }
        return java.util.Arrays.copyOf(channel.array(), (int) channel.size());
    }

    interface Wrapper {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    static byte[] compress(byte[] data, Wrapper w) throws IOException {
        var bytes = new ByteArrayOutputStream();
        try (OutputStream out = w.wrap(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    static byte[] gzip(byte[] data) throws IOException {
        return compress(data, GzipCompressorOutputStream::new);
    }

    static byte[] bzip2(byte[] data) throws IOException {
        return compress(data, BZip2CompressorOutputStream::new);
    }

    static byte[] xz(byte[] data) throws IOException {
        return compress(data, XZCompressorOutputStream::new);
    }

    /** Compresses {@code count} zero bytes without holding them: a bomb's payload. */
    static byte[] zeros(long count, Wrapper w) throws IOException {
        var bytes = new ByteArrayOutputStream();
        byte[] block = new byte[1 << 16];
        try (OutputStream out = w.wrap(bytes)) {
            for (long left = count; left > 0; left -= block.length) {
                out.write(block, 0, (int) Math.min(block.length, left));
            }
        }
        return bytes.toByteArray();
    }
}
