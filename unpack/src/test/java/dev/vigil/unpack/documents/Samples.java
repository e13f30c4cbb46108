package dev.vigil.unpack.documents;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.Deflater;

/** Mails and PDFs built by the tests, with EICAR (or nothing) inside, and the encoders they need. */
final class Samples {
    private Samples() {
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    static String base64Lines(byte[] data) {
        return Base64.getMimeEncoder(76, "\r\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(data);
    }

    /** Quoted-printable with every non-alphanumeric byte escaped (more escapes than needed, on purpose). */
    static String quotedPrintable(byte[] data) {
        StringBuilder s = new StringBuilder();
        int col = 0;
        for (byte b : data) {
            int c = b & 0xff;
            String piece = Character.isLetterOrDigit(c) && c < 128 ? String.valueOf((char) c)
                    : String.format("=%02X", c);
            if (col + piece.length() > 72) {
                s.append("=\r\n");
                col = 0;
            }
            s.append(piece);
            col += piece.length();
        }
        return s.toString();
    }

    static String uuencode(String name, byte[] data) {
        StringBuilder s = new StringBuilder("begin 644 ").append(name).append("\r\n");
        for (int off = 0; off < data.length; off += 45) {
            int n = Math.min(45, data.length - off);
            s.append((char) (32 + n));
            for (int i = 0; i < n; i += 3) {
                int b0 = data[off + i] & 0xff;
                int b1 = i + 1 < n ? data[off + i + 1] & 0xff : 0;
                int b2 = i + 2 < n ? data[off + i + 2] & 0xff : 0;
                int[] q = {b0 >> 2, (b0 << 4 | b1 >> 4) & 63, (b1 << 2 | b2 >> 6) & 63, b2 & 63};
                for (int v : q) {
                    s.append(v == 0 ? '`' : (char) (32 + v));
                }
            }
            s.append("\r\n");
        }
        return s.append("`\r\nend\r\n").toString();
    }

    static String header(String type, String encoding, String extra) {
        return "Content-Type: " + type + "\r\n"
                + (encoding == null ? "" : "Content-Transfer-Encoding: " + encoding + "\r\n")
                + (extra == null ? "" : extra + "\r\n") + "\r\n";
    }

    static String multipart(String boundary, String... parts) {
        StringBuilder s = new StringBuilder("This is a multi-part message in MIME format.\r\n");
        for (String p : parts) {
            s.append("--").append(boundary).append("\r\n").append(p).append("\r\n");
        }
        return s.append("--").append(boundary).append("--\r\n").toString();
    }

    static String message(String headersAndBody) {
        return "From: sender@example.org\r\nTo: rcpt@example.org\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
                + headersAndBody;
    }

    /** The generated mails, by file name. */
    static Map<String, byte[]> mails(byte[] payload) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        String text = header("text/plain; charset=us-ascii", "7bit", null) + "Hello.";
        m.put("mail-base64.eml", ascii(message(header("multipart/mixed; boundary=\"b1\"", null, null)
                + multipart("b1", text, header("application/octet-stream; name=\"a.com\"", "base64",
                "Content-Disposition: attachment; filename=\"a.com\"") + base64Lines(payload)))));
        m.put("mail-qp.eml", ascii(message(header("multipart/mixed; boundary=b2", null, null)
                + multipart("b2", text, header("text/plain", "quoted-printable", null)
                + quotedPrintable(payload)))));
        m.put("mail-7bit.eml", ascii(message(header("multipart/mixed; boundary=b7", null, null)
                + multipart("b7", text, header("application/octet-stream", "7bit", null) + latin1(payload)))));
        m.put("mail-uu-mime.eml", ascii(message(header("multipart/mixed; boundary=b3", null, null)
                + multipart("b3", text, header("application/octet-stream", "x-uuencode", null)
                + uuencode("a.com", payload)))));
        m.put("mail-uu-in-text.eml", ascii(message(header("text/plain", "7bit", null)
                + "See the attached file.\r\n\r\n" + uuencode("a.com", payload) + "\r\nBye.\r\n")));
        String inner = header("multipart/mixed; boundary=\"inner\"", null, null)
                + multipart("inner", text, header("application/octet-stream", "base64", null)
                + base64Lines(payload));
        String middle = header("multipart/alternative; boundary=\"middle\"", null, null)
                + multipart("middle", text, inner);
        m.put("mail-nested.eml", ascii(message(header("multipart/mixed; boundary=\"outer\"", null, null)
                + multipart("outer", text, middle))));
        m.put("mail-rfc822.eml", ascii(message(header("multipart/mixed; boundary=\"r\"", null, null)
                + multipart("r", text, header("message/rfc822", null, null)
                + message(header("application/octet-stream", "base64", null) + base64Lines(payload))))));
        m.put("mail-mbox.mbox", ascii("From a@example.org Mon Jan  1 00:00:00 2024\r\n"
                + message(header("text/plain", null, null) + "first message\r\n")
                + "\r\nFrom b@example.org Mon Jan  1 00:00:01 2024\r\n"
                + message(header("application/octet-stream", "base64", null) + base64Lines(payload))));
        // Epilogue after the closing boundary is not a part: ClamAV does not decode it.
        m.put("mail-epilogue.eml", ascii(message(header("multipart/mixed; boundary=e", null, null)
                + multipart("e", text) + header("application/octet-stream", "base64", null)
                + base64Lines(payload))));
        String b64part = header("application/octet-stream", "base64", null) + base64Lines(payload);
        m.put("mail-digest.eml", ascii(message(header("multipart/digest; boundary=d", null, null)
                + multipart("d", "\r\n" + message(b64part)))));
        m.put("mail-boundary-trailing-space.eml", ascii(message(header("multipart/mixed; boundary=t", null, null)
                + multipart("t", text, b64part).replace("--t\r\n", "--t   \r\n"))));
        m.put("mail-no-closing-boundary.eml", ascii(message(header("multipart/mixed; boundary=n", null, null)
                + "--n\r\n" + text + "\r\n--n\r\n" + b64part)));
        m.put("mail-lf-only.eml", ascii(message(header("multipart/mixed; boundary=\"lf\"", null, null)
                + multipart("lf", text, b64part)).replace("\r\n", "\n")));
        m.put("mail-folded-header.eml", ascii(message("Content-Type: multipart/mixed;\r\n\tboundary=\"fold\"\r\n\r\n"
                + multipart("fold", text, b64part))));
        m.put("mail-upper-case.eml", ascii(message(header("MULTIPART/MIXED; BOUNDARY=UP", null, null)
                + multipart("UP", text, header("application/octet-stream", "BASE64", null)
                + base64Lines(payload)))));
        m.put("mail-boundary-spaces.eml", ascii(message(header("multipart/mixed; boundary=\"a b c\"", null, null)
                + multipart("a b c", text, b64part))));
        m.put("mail-text-then-base64-no-mime.eml", ascii("From: x@y\r\nSubject: t\r\n\r\nhello\r\n"
                + base64Lines(payload) + "\r\n"));
        m.put("mail-clean.eml", ascii(message(header("multipart/mixed; boundary=c", null, null)
                + multipart("c", text, header("application/octet-stream", "base64", null)
                + base64Lines(ascii("harmless data"))))));
        return m;
    }

    // ---- OLE2 ----

    static byte[] vbaDocument(byte[] moduleSource) {
        return Ole2Writer.write(
                Ole2Writer.Node.stream("WordDocument", new byte[600]),
                Ole2Writer.Node.storage("Macros",
                        Ole2Writer.Node.stream("PROJECT", ascii("ID=\"{00000000-0000-0000-0000-000000000000}\"\r\n"
                                + "Module=Module1\r\nName=\"VBAProject\"\r\n")),
                        Ole2Writer.Node.storage("VBA",
                                Ole2Writer.Node.stream("_VBA_PROJECT",
                                        new byte[] {(byte) 0xCC, 0x61, (byte) 0xFF, (byte) 0xFF, 0, 0, 0}),
                                Ole2Writer.Node.stream("dir", Ole2Writer.vbaCompress(Ole2Writer.vbaDir("Module1"))),
                                Ole2Writer.Node.stream("Module1", Ole2Writer.vbaCompress(moduleSource)))));
    }

    /** An embedded package ({@code \1Ole10Native}) carrying {@code payload}. */
    static byte[] packageDocument(byte[] payload) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {2, 0});
        p.writeBytes(ascii("a.com\0C:\\a.com\0"));
        p.writeBytes(new byte[] {0, 0, 3, 0, 9, 0, 0, 0});
        p.writeBytes(ascii("C:\\a.com\0"));
        p.writeBytes(new byte[] {(byte) payload.length, (byte) (payload.length >> 8), (byte) (payload.length >> 16),
                (byte) (payload.length >> 24)});
        p.writeBytes(payload);
        byte[] body = p.toByteArray();
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        s.writeBytes(new byte[] {(byte) body.length, (byte) (body.length >> 8), (byte) (body.length >> 16),
                (byte) (body.length >> 24)});
        s.writeBytes(body);
        return Ole2Writer.write(Ole2Writer.Node.stream("WordDocument", new byte[600]),
                Ole2Writer.Node.storage("ObjectPool", Ole2Writer.Node.storage("_1234",
                        Ole2Writer.Node.stream("\u0001Ole10Native", s.toByteArray()))));
    }

    static Map<String, byte[]> ole2(byte[] payload) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("ole2-stream.doc", Ole2Writer.write(Ole2Writer.Node.stream("WordDocument", new byte[600]),
                Ole2Writer.Node.stream("Data", payload)));
        m.put("ole2-big-stream.doc", Ole2Writer.write(Ole2Writer.Node.stream("WordDocument", new byte[600]),
                Ole2Writer.Node.stream("Data", concat(payload, new byte[5000]))));
        m.put("ole2-package.doc", packageDocument(payload));
        m.put("ole2-vba.doc", vbaDocument(payload));
        m.put("ole2-clean.doc", vbaDocument(ascii("Sub AutoOpen()\r\nEnd Sub\r\n")));
        return m;
    }

    // ---- RTF, HTML, TNEF, OneNote, nesting ----

    static String hex(byte[] data) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < data.length; i++) {
            s.append(String.format("%02x", data[i] & 0xff));
            if (i % 64 == 63) {
                s.append("\r\n");
            }
        }
        return s.toString();
    }

    /** An RTF document with one embedded object: an OLE1 header with class {@code cls}, then {@code data}. */
    static byte[] rtfObject(String cls, byte[] data) {
        return rtfObject(cls, data, " ");
    }

    static byte[] rtfObject(String cls, byte[] data, String afterObjdata) {
        ByteBuffer b = ByteBuffer.allocate(64 + cls.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x0501).putInt(2).putInt(cls.length() + 1).put(ascii(cls)).put((byte) 0).putInt(0).putInt(0)
                .putInt(data.length).put(data);
        byte[] ole1 = java.util.Arrays.copyOf(b.array(), b.position());
        return ascii("{\\rtf1\\ansi{\\fonttbl{\\f0 Times;}}\\pard Text.\\par{\\object\\objemb{\\*\\objclass " + cls
                + "}{\\*\\objdata" + afterObjdata + hex(ole1) + "\r\n}{\\result Picture}}\\par}");
    }

    /** The body of an embedded package, as Ole10Native holds it after its size field. */
    static byte[] packageBody(byte[] payload) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.writeBytes(new byte[] {2, 0});
        p.writeBytes(ascii("a.com\0C:\\a.com\0"));
        p.writeBytes(new byte[] {0, 0, 3, 0, 9, 0, 0, 0});
        p.writeBytes(ascii("C:\\a.com\0"));
        p.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(payload.length).array());
        p.writeBytes(payload);
        return p.toByteArray();
    }

    static byte[] tnef(String title, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(256 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x223E9F78).putShort((short) 0x1234);
        attribute(b, 1, 0x00078008, ascii("IPM.Microsoft Mail.Note\0"));
        attribute(b, 2, 0x00069002, new byte[14]);
        attribute(b, 2, 0x00018010, ascii(title + "\0"));
        attribute(b, 2, 0x0006800F, payload);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    private static void attribute(ByteBuffer b, int level, int id, byte[] data) {
        int sum = 0;
        for (byte x : data) {
            sum += x & 0xff;
        }
        b.put((byte) level).putInt(id).putInt(data.length).put(data).putShort((short) sum);
    }

    static byte[] oneNote(byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(200 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(java.util.HexFormat.of().parseHex("e4525c7b8cd8a74daeb15378d02996d3")).put(new byte[80]);
        b.put(java.util.HexFormat.of().parseHex("e716e3bd65261145a4c48d4d0b7a9eac")).putLong(payload.length).putInt(0)
                .putLong(0).put(payload);
        b.put(java.util.HexFormat.of().parseHex("22a7fb71798f0b4cbb1c9b9c2cdb5d39"));
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    static Map<String, byte[]> others(byte[] payload) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("rtf-package.rtf", rtfObject("Package", packageBody(payload)));
        m.put("rtf-ole2.rtf", rtfObject("Word.Document.8", Ole2Writer.write(
                Ole2Writer.Node.stream("WordDocument", new byte[600]), Ole2Writer.Node.stream("Data", payload))));
        m.put("rtf-objdata-newline.rtf", rtfObject("Package", packageBody(payload), "\r\n"));
        m.put("rtf-clean.rtf", rtfObject("Package", packageBody(ascii("harmless"))));
        m.put("html-data-uri.html", ascii("<html><body><p>hi</p><a href=\"data:application/octet-stream;base64,"
                + Base64.getEncoder().encodeToString(payload) + "\">x</a></body></html>"));
        m.put("html-data-uri-img.html", ascii("<html><body><img src='data:image/png;base64,"
                + Base64.getEncoder().encodeToString(payload) + "'></body></html>"));
        m.put("tnef.dat", tnef("a.com", payload));
        m.put("onenote.one", oneNote(payload));
        byte[] pdfWithPackage = pdfWithStream("/FlateDecode", flate(packageDocument(payload)), null);
        m.put("nest-mail-pdf-ole2.eml", ascii(message(header("multipart/mixed; boundary=n", null, null)
                + multipart("n", header("text/plain", null, null) + "see attachment",
                header("application/pdf; name=a.pdf", "base64", null) + base64Lines(pdfWithPackage)))));
        return m;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    // ---- PDF ----

    static byte[] flate(byte[] data) {
        Deflater def = new Deflater();
        def.setInput(data);
        def.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!def.finished()) {
            out.write(buf, 0, def.deflate(buf));
        }
        def.end();
        return out.toByteArray();
    }

    static byte[] asciiHex(byte[] data) {
        StringBuilder s = new StringBuilder();
        for (byte b : data) {
            s.append(String.format("%02x", b & 0xff));
        }
        return ascii(s.append('>').toString());
    }

    static byte[] ascii85(byte[] data) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < data.length; i += 4) {
            int n = Math.min(4, data.length - i);
            long v = 0;
            for (int k = 0; k < 4; k++) {
                v = v << 8 | (k < n ? data[i + k] & 0xff : 0);
            }
            char[] c = new char[5];
            for (int k = 4; k >= 0; k--) {
                c[k] = (char) ('!' + v % 85);
                v /= 85;
            }
            s.append(c, 0, n + 1);
        }
        return ascii(s.append("~>").toString());
    }

    static byte[] runLength(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < data.length; i += 128) {
            int n = Math.min(128, data.length - i);
            out.write(n - 1);
            out.write(data, i, n);
        }
        out.write(128);
        return out.toByteArray();
    }

    /** LZW as PDF writes it (EarlyChange 1), with a clear code first and whenever the table fills. */
    static byte[] lzw(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        long[] acc = {0, 0};
        Map<String, Integer> table = new java.util.HashMap<>();
        int next = 258;
        int width = 9;
        writeCode(out, acc, 256, width);
        String w = "";
        for (byte b : data) {
            String wc = w + (char) (b & 0xff);
            if (wc.length() == 1 || table.containsKey(wc)) {
                w = wc;
                continue;
            }
            writeCode(out, acc, code(w, table), width);
            table.put(wc, next++);
            if (next + 1 > (1 << width) && width < 12) {
                width++;
            }
            if (next >= 4094) {
                writeCode(out, acc, 256, width);
                table.clear();
                next = 258;
                width = 9;
            }
            w = String.valueOf((char) (b & 0xff));
        }
        if (!w.isEmpty()) {
            writeCode(out, acc, code(w, table), width);
        }
        writeCode(out, acc, 257, width);
        if (acc[1] > 0) {
            out.write((int) (acc[0] << (8 - acc[1])) & 0xff);
        }
        return out.toByteArray();
    }

    private static int code(String w, Map<String, Integer> table) {
        return w.length() == 1 ? w.charAt(0) : table.get(w);
    }

    private static void writeCode(ByteArrayOutputStream out, long[] acc, int code, int width) {
        acc[0] = acc[0] << width | code;
        acc[1] += width;
        while (acc[1] >= 8) {
            out.write((int) (acc[0] >>> (acc[1] - 8)) & 0xff);
            acc[1] -= 8;
            acc[0] &= (1L << acc[1]) - 1;
        }
    }

    /** A one-page PDF whose object 4 is a stream with {@code filters} holding {@code encoded}. */
    static byte[] pdfWithStream(String filters, byte[] encoded, String extraObject) {
        return pdfWithDict("<< /Type /EmbeddedFile /Length " + encoded.length
                + (filters.isEmpty() ? "" : " /Filter " + filters) + " >>", encoded, extraObject);
    }

    static byte[] pdfWithDict(String dict, byte[] encoded, String extraObject) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(out, "%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n");
        write(out, "1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
        write(out, "2 0 obj\n<< /Type /Pages /Count 1 /Kids [3 0 R] >>\nendobj\n");
        write(out, "3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>\nendobj\n");
        write(out, "4 0 obj\n" + dict + "\nstream\n");
        out.write(encoded, 0, encoded.length);
        write(out, "\nendstream\nendobj\n");
        if (extraObject != null) {
            write(out, extraObject);
        }
        write(out, "trailer\n<< /Root 1 0 R >>\n%%EOF\n");
        return out.toByteArray();
    }

    private static void write(ByteArrayOutputStream out, String s) {
        byte[] b = ascii(s);
        out.write(b, 0, b.length);
    }

    static Map<String, byte[]> pdfs(byte[] payload) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("pdf-raw.pdf", pdfWithStream("", payload, null));
        m.put("pdf-flate.pdf", pdfWithStream("/FlateDecode", flate(payload), null));
        m.put("pdf-ahx-flate.pdf", pdfWithStream("[/ASCIIHexDecode /FlateDecode]", asciiHex(flate(payload)), null));
        m.put("pdf-a85.pdf", pdfWithStream("/ASCII85Decode", ascii85(payload), null));
        m.put("pdf-lzw.pdf", pdfWithStream("/LZWDecode", lzw(payload), null));
        m.put("pdf-rl.pdf", pdfWithStream("/RunLengthDecode", runLength(payload), null));
        m.put("pdf-a85-rl-flate.pdf", pdfWithStream("[/ASCII85Decode /RunLengthDecode /FlateDecode]",
                ascii85(runLength(flate(payload))), null));
        m.put("pdf-name-escape.pdf", pdfWithStream("/Fl#61teDecode", flate(payload), null));
        m.put("pdf-raw-direct-length.pdf", pdfWithDict("<< /Length " + payload.length + "\n/Type /EmbeddedFile >>",
                payload, null));
        m.put("pdf-lzw-not-embedded.pdf", pdfWithDict("<< /Length " + lzw(payload).length
                + "\n/Filter /LZWDecode >>", lzw(payload), null));
        m.put("pdf-lzw-page-contents.pdf", pdfWithDict("<< /Length " + lzw(payload).length
                + "\n/Filter /LZWDecode >>", lzw(payload), "6 0 obj\n<< /Type /Page /Contents 4 0 R >>\nendobj\n"));
        m.put("pdf-lzw-js-stream.pdf", pdfWithDict("<< /Length " + lzw(Harness.JS).length
                + "\n/Filter /LZWDecode >>", lzw(Harness.JS),
                "6 0 obj\n<< /S /JavaScript /JS 4 0 R >>\nendobj\n"));
        m.put("pdf-js-before-javascript.pdf", pdfWithStream("/FlateDecode", flate(ascii("x")),
                "5 0 obj\n<< /JS (" + latin1(Harness.JS) + ") /Type /Action /S /JavaScript >>\nendobj\n"));
        m.put("pdf-js.pdf", pdfWithStream("/FlateDecode", flate(ascii("x")),
                "5 0 obj\n<< /Type /Action /S /JavaScript /JS (" + latin1(Harness.JS) + ") >>\nendobj\n"));
        m.put("pdf-js-escaped.pdf", pdfWithStream("/FlateDecode", flate(ascii("x")),
                "5 0 obj\n<< /Type /Action /S /JavaScript /JS (" + latin1(Harness.JS).replace("'", "\\'")
                        + ") >>\nendobj\n"));
        m.put("pdf-clean.pdf", pdfWithStream("/FlateDecode", flate(ascii("just text")), null));
        return m;
    }
}
