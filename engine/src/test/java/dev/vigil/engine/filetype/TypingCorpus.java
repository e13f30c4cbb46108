package dev.vigil.engine.filetype;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Small files, each built to land on one branch of ClamAV's typing: magic, text classes, patterns, tar, UTF-16. */
final class TypingCorpus {
    private TypingCorpus() {
    }

    static Map<String, byte[]> all() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("ascii.txt", ascii("plain text with tabs\tand lines\nsecond line\n"));
        m.put("latin1.txt", bytes(ascii("caf"), new byte[] {(byte) 0xe9, ' ', (byte) 0x85}, ascii(" ok\n")));
        m.put("utf8-with-control.txt", bytes(ascii("na"), new byte[] {(byte) 0xc3, (byte) 0xaf}, ascii("ve\u0001x")));
        m.put("utf16le-bom.txt", bytes(new byte[] {(byte) 0xff, (byte) 0xfe},
                "hello UTF-16 world\r\n".getBytes(StandardCharsets.UTF_16LE)));
        m.put("utf16be-nobom.txt", bytes(ascii("  "), "text without mark".getBytes(StandardCharsets.UTF_16BE)));
        m.put("html-utf16le.htm", bytes(new byte[] {(byte) 0xff, (byte) 0xfe},
                "<html><body>x</body></html>".getBytes(StandardCharsets.UTF_16LE)));
        m.put("html-utf16be.htm", bytes(new byte[] {(byte) 0xfe, (byte) 0xff},
                "<html><body>x</body></html>".getBytes(StandardCharsets.UTF_16BE)));
        m.put("page.html", ascii("<!doctype html>\n<html><head><title>t</title></head><body></body></html>\n"));
        m.put("script-late.html", ascii("some words first, then <script>alert(1)</script>\n"));
        m.put("binary-with-html.bin", bytes(new byte[] {0, 1, 2, 3}, ascii("<iframe src=x>")));
        m.put("mail.eml", ascii("Received: from x by y\nFrom: a@b\nContent-Type: text/plain\n\nbody\n"));
        m.put("mbox.txt", ascii("From someone Mon Jan  1 00:00:00 2024\nSubject: hi\n\nbody\n"));
        m.put("mime-late.txt", ascii("Some header text\nMIME-Version: 1.0\nContent-Type: text/plain\n\nbody\n"));
        m.put("random.bin", random(2000, 1));
        m.put("mz-only.bin", bytes(ascii("MZ"), random(300, 2)));
        m.put("embedded-pe.bin", bytes(new byte[] {0, 0, 0, 0}, ascii("MZ"), new byte[100], ascii("PE"),
                new byte[] {0, 0}, random(200, 3)));
        m.put("elf.bin", bytes(new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1}, new byte[60]));
        m.put("java.class", bytes(hex("cafebabe00000034"), random(100, 4)));
        m.put("unibin.bin", bytes(hex("cafebabe00000002"), random(100, 5)));
        m.put("png.png", bytes(hex("89504e470d0a1a0a"), random(100, 6)));
        m.put("gif.gif", bytes(ascii("GIF89a"), random(100, 7)));
        m.put("jpeg.jpg", bytes(hex("ffd8ffe0"), random(100, 8)));
        m.put("pdf.pdf", ascii("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n"));
        m.put("pdf-late.bin", bytes(random(40, 9), ascii("%PDF-1.5\n")));
        m.put("rtf.rtf", ascii("{\\rtf1\\ansi hello}"));
        m.put("ole2.doc", bytes(hex("d0cf11e0a1b11ae1"), new byte[200]));
        m.put("7z.7z", bytes(hex("377abcaf271c0004"), random(64, 10)));
        m.put("mp3.mp3", bytes(ascii("ID3"), random(64, 11)));
        m.put("pyc.pyc", bytes(hex("550d0d0a"), random(64, 12)));
        m.put("aliases.ini", ascii("[aliases]\nn0=/x\n"));
        m.put("mbr.img", mbr());
        m.put("zip-sfx-late.bin", bytes(random(50, 13), hex("504b0304"), random(50, 14)));
        m.put("xml-word.xml", ascii("<?xml version=\"1.0\"?>\n<w:wordDocument xmlns:w=\"x\">\n"));
        m.put("swf.swf", bytes(ascii("FWS"), random(64, 15)));
        m.put("ignored-pdf-image.bin", bytes(ascii("/RGB\nID\n"), filled(40, 0xff)));
        m.put("lnk.lnk", bytes(hex("4c0000000114020000000000c000000000000046"), new byte[60]));
        m.put("gnu.tar", tar(true));
        m.put("old.tar", tar(false));
        m.put("zip.zip", zip());
        m.put("gz.gz", gzip());
        m.put("hello.txt", ascii("hello, custom magic\n"));
        return m;
    }

    static Path writeAll(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (Map.Entry<String, byte[]> e : all().entrySet()) {
            Files.write(dir.resolve(e.getKey()), e.getValue());
        }
        return dir;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] hex(String h) {
        return java.util.HexFormat.of().parseHex(h);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        b[0] = 0; // keep random data binary from the start
        return b;
    }

    private static byte[] filled(int n, int value) {
        byte[] b = new byte[n];
        Arrays.fill(b, (byte) value);
        return b;
    }

    private static byte[] bytes(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    private static byte[] mbr() {
        byte[] b = random(1024, 16);
        b[510] = 0x55;
        b[511] = (byte) 0xaa;
        return b;
    }

    /** A one-member tar; {@code gnu} writes the "ustar  " magic, otherwise no magic (pre-POSIX). */
    static byte[] tar(boolean gnu) {
        byte[] h = new byte[1024];
        byte[] name = ascii("member.txt");
        System.arraycopy(name, 0, h, 0, name.length);
        System.arraycopy(ascii("0000644\0"), 0, h, 100, 8);
        System.arraycopy(ascii("0000000\0"), 0, h, 108, 8);
        System.arraycopy(ascii("0000000\0"), 0, h, 116, 8);
        System.arraycopy(ascii("00000000005\0"), 0, h, 124, 12);
        System.arraycopy(ascii("00000000000\0"), 0, h, 136, 12);
        h[156] = '0';
        if (gnu) {
            System.arraycopy(ascii("ustar  \0"), 0, h, 257, 8);
        }
        Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += h[i] & 0xff;
        }
        byte[] chk = ascii(String.format("%06o\0 ", sum));
        System.arraycopy(chk, 0, h, 148, 8);
        System.arraycopy(ascii("hello"), 0, h, 512, 5);
        return h;
    }

    private static byte[] zip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out)) {
            z.putNextEntry(new ZipEntry("a.txt"));
            z.write(ascii("zip member"));
            z.closeEntry();
        }
        return out.toByteArray();
    }

    private static byte[] gzip() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(out)) {
            g.write(ascii("gzip member"));
        }
        return out.toByteArray();
    }
}
