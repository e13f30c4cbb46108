package dev.vigil.unpack.ole2;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.Emitter;
import dev.vigil.unpack.documents.Inflate;
import dev.vigil.unpack.documents.OutputLimitException;

import java.io.IOException;
import java.util.Arrays;

/**
 * OLE2 compound files (CL_TYPE_MSOLE2: legacy Office, MSI, ...). Every stream is a child; so are the payload of
 * {@code \1Ole10Native} streams (embedded packages), the zlib-compressed embedded objects of PowerPoint's
 * {@code PowerPoint Document} stream, and each VBA project as one text holding every module's decompressed source
 * (ClamAV 1.4 scans such a project listing rather than the bare sources).
 */
public final class Ole2Unpacker implements Unpacker {
    static final String TYPE = "CL_TYPE_MSOLE2";
    private static final int PPT_EXTERNAL_OLE_OBJECT_STORAGE = 0x1011;
    /** ClamAV scans a VBA project as one text: this header, then each module's name and source. */
    private static final byte[] REPORT_HEADER = "REM VBA project extracted from Microsoft Office document\n\n"
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @Override
    public String name() {
        return "ole2";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        return TYPE.equals(type.name()) || Ole2Reader.isOle2(input.readFully(0, 8));
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        Emitter out = new Emitter(sink, TYPE);
        byte[] data = out.readAll(input);
        Ole2Reader ole = new Ole2Reader(data, out.maxObject());
        try {
            for (Ole2Reader.Entry e : ole.entries()) {
                if (e.path != null && e.isStorage() && e.index != 0) {
                    vbaProject(ole, e, out);
                }
            }
            for (Ole2Reader.Entry e : ole.entries()) {
                if (e.path == null || !e.isStream()) {
                    continue;
                }
                byte[] stream;
                try {
                    stream = ole.read(e);
                } catch (OutputLimitException x) {
                    out.limit("MaxFileSize", "OLE2 stream " + printable(e.path) + " larger than " + x.cap());
                    continue;
                }
                String name = printable(e.path);
                out.emit(name, stream);
                if (e.name.equals("\u0001Ole10Native")) {
                    byte[] payload = ole10Payload(stream);
                    if (payload != null) {
                        out.emit(name + "/payload", payload);
                    }
                } else if (e.name.equals("PowerPoint Document")) {
                    powerPointObjects(stream, name, out);
                }
            }
        } catch (Emitter.Stopped stop) {
            // the sink has what it needs
        }
    }

    /**
     * An embedded package: a total size, then (when the stream is larger than that size says) a type word, the
     * label, the source path, 8 bytes, the temporary path and the payload size before the payload.
     */
    public static byte[] ole10Payload(byte[] s) {
        if (s.length < 4) {
            return null;
        }
        long size = Ole2Reader.le32(s, 0) & 0xffffffffL;
        int p = 4;
        if (s.length - size >= 4) {
            p += 2;
            p = pastNul(s, p);
            p = pastNul(s, p);
            p += 8;
            p = pastNul(s, p);
            if (p < 0 || p + 4 > s.length) {
                return null;
            }
            size = Ole2Reader.le32(s, p) & 0xffffffffL;
            p += 4;
        }
        if (p > s.length) {
            return null;
        }
        return Arrays.copyOfRange(s, p, (int) Math.min(s.length, p + size));
    }

    private static int pastNul(byte[] s, int p) {
        if (p < 0) {
            return -1;
        }
        for (int i = p; i < s.length; i++) {
            if (s[i] == 0) {
                return i + 1;
            }
        }
        return -1;
    }

    /** Top-level records of type ExOleObjStg hold a zlib stream (after a 4-byte size): an embedded OLE2 file. */
    private static void powerPointObjects(byte[] s, String name, Emitter out) throws IOException {
        long p = 0;
        int count = 0;
        while (p + 8 <= s.length) {
            int type = Ole2Reader.le16(s, (int) p + 2);
            long len = Ole2Reader.le32(s, (int) p + 4) & 0xffffffffL;
            if (len == 0) {
                break;
            }
            if (type == PPT_EXTERNAL_OLE_OBJECT_STORAGE && len > 4) {
                BoundedBuffer buf = out.buffer();
                int from = (int) p + 12;
                int to = (int) Math.min(s.length, p + 8 + len);
                try {
                    Inflate.inflate(s, from, to, true, buf);
                } catch (OutputLimitException e) {
                    out.limit("MaxFileSize", "PowerPoint embedded object larger than " + e.cap());
                    buf = null;
                }
                if (buf != null && buf.length() > 0) {
                    out.emit(name + "/object-" + (++count), buf);
                }
            }
            p += 8 + len;
        }
    }

    /** A storage with a {@code dir} stream is a VBA project: decompress each module's source. */
    private static void vbaProject(Ole2Reader ole, Ole2Reader.Entry storage, Emitter out) throws IOException {
        Ole2Reader.Entry dirEntry = null;
        java.util.List<Ole2Reader.Entry> kids = ole.children(storage);
        for (Ole2Reader.Entry k : kids) {
            if (k.isStream() && k.name.equalsIgnoreCase("dir")) {
                dirEntry = k;
            }
        }
        if (dirEntry == null) {
            return;
        }
        try {
            byte[] raw = ole.read(dirEntry);
            byte[] dir = VbaCompression.decompress(raw, 0, raw.length, out.maxObject());
            BoundedBuffer report = out.buffer();
            report.put(REPORT_HEADER, 0, REPORT_HEADER.length);
            int modules = 0;
            for (VbaDir.Module m : VbaDir.modules(dir)) {
                for (Ole2Reader.Entry k : kids) {
                    if (!k.isStream() || !k.name.equalsIgnoreCase(m.streamName())) {
                        continue;
                    }
                    byte[] stream = ole.read(k);
                    if (m.textOffset() >= 0 && m.textOffset() < stream.length) {
                        byte[] source = VbaCompression.decompress(stream, (int) m.textOffset(), stream.length,
                                out.maxObject());
                        byte[] title = ("\n\nREM MODULENAME: " + m.name()
                                + "\nREM ##################################################\n")
                                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                        report.put(title, 0, title.length);
                        report.put(source, 0, source.length);
                        modules++;
                    }
                    break;
                }
            }
            if (modules > 0) {
                out.emit(printable(storage.path) + "/vba-project", report);
            }
        } catch (OutputLimitException e) {
            out.limit("MaxFileSize", "VBA project in " + printable(storage.path) + " larger than " + e.cap());
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20) {
                b.append('[').append((int) c).append(']');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
