package dev.vigil.clamav.cvd;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/** Builds and takes apart containers for tests: a minimal ustar writer and header padding. */
final class Containers {
    private Containers() {
    }

    static Path shared() {
        String shared = System.getProperty("vigil.shared");
        return Path.of(shared == null ? "../../shared" : shared);
    }

    static Path testCvd(int number) {
        return shared().resolve("signatures/clamav/test-cvd/test-" + number + ".cvd");
    }

    /** Members of a gzip'd container, COPYING and .info included, via the reader under test's tar layer. */
    static List<TarReader.Member> members(byte[] container) throws Exception {
        InputStream body = new ByteArrayInputStream(container, 512, container.length - 512);
        if ((container[512] & 0xFF) == 0x1F) {
            body = new GZIPInputStream(body);
        }
        TarReader reader = new TarReader(body, "test", CvdContainer.Limits.DEFAULT);
        List<TarReader.Member> members = new ArrayList<>();
        for (TarReader.Member m = reader.next(); m != null; m = reader.next()) {
            members.add(m);
        }
        return members;
    }

    static TarReader.Member member(String name, String text) {
        return new TarReader.Member(name, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** A ustar archive with a valid checksum (clamscan ignores it, GNU tar does not) and the end blocks. */
    static byte[] tar(List<TarReader.Member> members) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (TarReader.Member m : members) {
            out.writeBytes(tarHeader(m.name(), m.content().length, (byte) '0'));
            out.writeBytes(m.content());
            out.writeBytes(new byte[(512 - m.content().length % 512) % 512]);
        }
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    static byte[] tarHeader(String name, long size, byte type) {
        byte[] block = new byte[512];
        put(block, 0, name);
        put(block, 100, "0000644");
        put(block, 108, "0000000");
        put(block, 116, "0000000");
        put(block, 124, String.format("%011o", size));
        put(block, 136, "00000000000");
        block[156] = type;
        put(block, 257, "ustar");
        put(block, 263, "00");
        Arrays.fill(block, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte b : block) {
            sum += b & 0xFF;
        }
        put(block, 148, String.format("%06o", sum));
        block[154] = 0;
        return block;
    }

    private static void put(byte[] block, int offset, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(bytes, 0, block, offset, bytes.length);
    }

    static byte[] gzip(byte[] data) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        }
        return out.toByteArray();
    }

    /** Header line padded with spaces to 512 bytes, then the body. */
    static byte[] container(String headerLine, byte[] body) {
        byte[] header = new byte[512];
        Arrays.fill(header, (byte) ' ');
        byte[] line = headerLine.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(line, 0, header, 0, line.length);
        byte[] all = Arrays.copyOf(header, 512 + body.length);
        System.arraycopy(body, 0, all, 512, body.length);
        return all;
    }

    /** The first line of a .info file (its copy of the header). */
    static String firstLine(byte[] info) {
        String text = new String(info, StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf('\n'));
    }

    /** The .info text without its DSIG line (and anything after it). */
    static String withoutDsig(byte[] info) {
        String text = new String(info, StandardCharsets.ISO_8859_1);
        return text.substring(0, text.indexOf("DSIG:"));
    }

    static List<TarReader.Member> replace(List<TarReader.Member> members, String name, byte[] content) {
        List<TarReader.Member> copy = new ArrayList<>();
        for (TarReader.Member m : members) {
            copy.add(m.name().equals(name) ? new TarReader.Member(name, content) : m);
        }
        return copy;
    }

    static List<TarReader.Member> without(List<TarReader.Member> members, String name) {
        return members.stream().filter(m -> !m.name().equals(name)).toList();
    }
}
