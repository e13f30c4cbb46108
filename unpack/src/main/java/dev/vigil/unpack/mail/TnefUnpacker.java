package dev.vigil.unpack.mail;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.Unpacker;
import dev.vigil.unpack.documents.Emitter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Outlook's TNEF ({@code winmail.dat}, CL_TYPE_TNEF): a signature and key, then attributes (level, id, length,
 * data, checksum). Each attachment's data attribute is a child, named by the attachment title when one precedes it.
 */
public final class TnefUnpacker implements Unpacker {
    static final String TYPE = "CL_TYPE_TNEF";
    private static final int SIGNATURE = 0x223E9F78;
    private static final int ATT_ATTACH_DATA = 0x800F;
    private static final int ATT_ATTACH_TITLE = 0x8010;
    private static final int ATT_ATTACH_REND_DATA = 0x9002;

    @Override
    public String name() {
        return "tnef";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) throws IOException {
        return TYPE.equals(type.name()) || le32(input.readFully(0, 4), 0) == SIGNATURE;
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        Emitter out = new Emitter(sink, TYPE);
        long size = input.size();
        if (le32(input.readFully(0, 4), 0) != SIGNATURE) {
            throw new UnpackException("not TNEF: bad signature");
        }
        long pos = 6;
        String title = null;
        int count = 0;
        try {
            while (pos + 9 <= size) {
                byte[] head = input.readFully(pos, 9);
                if (head.length < 9) {
                    break;
                }
                int level = head[0] & 0xff;
                int id = le32(head, 1) & 0xffff;
                long length = le32(head, 5) & 0xffffffffL;
                long data = pos + 9;
                if (level != 1 && level != 2) {
                    throw new UnpackException("TNEF attribute with bad level " + level + " at " + pos);
                }
                if (length > size - data) {
                    throw new UnpackException("TNEF attribute at " + pos + " runs past the end");
                }
                if (id == ATT_ATTACH_REND_DATA) {
                    title = null;
                } else if (id == ATT_ATTACH_TITLE && length < 4096) {
                    title = cString(input.readFully(data, (int) length));
                } else if (id == ATT_ATTACH_DATA) {
                    count++;
                    if (length > out.maxObject()) {
                        out.limit("MaxFileSize", "TNEF attachment of " + length + " bytes");
                    } else {
                        out.emit(title == null ? "attachment-" + count : title,
                                input.readFully(data, (int) length));
                    }
                }
                pos = data + length + 2;
            }
        } catch (Emitter.Stopped stop) {
            // the sink has what it needs
        }
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.ISO_8859_1).replace('/', '_');
    }

    private static int le32(byte[] b, int p) {
        if (b.length < p + 4) {
            return 0;
        }
        return (b[p] & 0xff) | (b[p + 1] & 0xff) << 8 | (b[p + 2] & 0xff) << 16 | (b[p + 3] & 0xff) << 24;
    }
}
