package dev.vigil.unpack.rtf;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.documents.BoundedBuffer;
import dev.vigil.unpack.documents.Emitter;
import dev.vigil.unpack.documents.OutputLimitException;
import dev.vigil.unpack.ole2.Ole2Unpacker;

import java.io.IOException;
import java.util.Arrays;

/**
 * RTF (CL_TYPE_RTF) embedded objects: the hex text of each {@code \objdata} group is decoded to an OLE1 object
 * (an 8-byte header, the class name, 8 bytes, the data size, the data). Data that is an OLE2 file is offered as
 * it is; anything else is an embedded package whose payload is offered, as ClamAV does.
 */
public final class RtfUnpacker implements Unpacker {
    static final String TYPE = "CL_TYPE_RTF";
    private static final String OBJDATA = "objdata";

    @Override
    public String name() {
        return "rtf";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return TYPE.equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        Emitter out = new Emitter(sink, TYPE);
        byte[] d = out.readAll(input);
        int count = 0;
        try {
            int pos = 0;
            while (pos < d.length) {
                int at = controlWord(d, pos, OBJDATA);
                if (at < 0) {
                    return;
                }
                BoundedBuffer hex = out.buffer();
                pos = objectHex(d, at + 2 + OBJDATA.length(), hex);
                byte[] object = ole1Data(hex.array(), hex.length());
                if (object != null && object.length > 0) {
                    out.emit("object-" + (++count), object);
                }
            }
        } catch (OutputLimitException e) {
            out.limit("MaxFileSize", "RTF object larger than " + e.cap() + " bytes");
        } catch (Emitter.Stopped stop) {
            // the sink has what it needs
        }
    }

    /**
     * Position of the backslash of control word {@code \word} at or after {@code from}. ClamAV keeps a whitespace
     * delimiter as part of the word and knows only {@code "objdata "}, so the word counts only when a space follows.
     */
    static int controlWord(byte[] d, int from, String word) {
        for (int i = from; i + word.length() < d.length; i++) {
            if (d[i] != '\\') {
                continue;
            }
            boolean match = true;
            for (int k = 0; k < word.length() && match; k++) {
                match = d[i + 1 + k] == word.charAt(k);
            }
            int after = i + 1 + word.length();
            if (match && after < d.length && d[after] == ' ') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Decodes the hex digits of the group that {@code \objdata} opens, starting after the control word: text in
     * nested groups and control words are skipped; the group's closing brace ends the data.
     */
    static int objectHex(byte[] d, int pos, BoundedBuffer out) throws OutputLimitException {
        int depth = 0;
        int high = -1;
        while (pos < d.length) {
            int b = d[pos] & 0xff;
            if (b == '{') {
                depth++;
                pos++;
            } else if (b == '}') {
                if (depth == 0) {
                    return pos + 1;
                }
                depth--;
                pos++;
            } else if (b == '\\') {
                pos++;
                while (pos < d.length && Character.isLetter(d[pos])) {
                    pos++;
                }
                while (pos < d.length && (d[pos] == '-' || Character.isDigit(d[pos]))) {
                    pos++;
                }
                if (pos < d.length && d[pos] == ' ') {
                    pos++;
                } else if (pos < d.length && !Character.isLetterOrDigit(d[pos])) {
                    pos++; // a control symbol
                }
            } else {
                pos++;
                int v = Character.digit(b, 16);
                if (depth > 0 || v < 0) {
                    continue;
                }
                if (high < 0) {
                    high = v;
                } else {
                    out.put(high << 4 | v);
                    high = -1;
                }
            }
        }
        return pos;
    }

    /** The embedded data of an OLE1 object, or null when the header is cut short. */
    static byte[] ole1Data(byte[] o, int n) {
        int p = 8;
        long classLen = le32(o, n, p);
        if (classLen < 0) {
            return null;
        }
        p += 4;
        if (classLen > n - p) {
            return null;
        }
        p += (int) classLen + 8;
        long size = le32(o, n, p);
        if (size < 0) {
            return null;
        }
        p += 4;
        int end = (int) Math.min(n, p + size);
        byte[] data = Arrays.copyOfRange(o, p, end);
        if (data.length >= 2 && (data[0] & 0xff) == 0xd0 && (data[1] & 0xff) == 0xcf) {
            return data;
        }
        // Not OLE2: an embedded package, read as the Ole10Native stream it would be in a compound file.
        byte[] native10 = new byte[4 + data.length];
        native10[0] = (byte) size;
        native10[1] = (byte) (size >> 8);
        native10[2] = (byte) (size >> 16);
        native10[3] = (byte) (size >> 24);
        System.arraycopy(data, 0, native10, 4, data.length);
        return Ole2Unpacker.ole10Payload(native10);
    }

    private static long le32(byte[] b, int n, int p) {
        if (p < 0 || p + 4 > n) {
            return -1;
        }
        return (b[p] & 0xffL) | (b[p + 1] & 0xffL) << 8 | (b[p + 2] & 0xffL) << 16 | (b[p + 3] & 0xffL) << 24;
    }
}
