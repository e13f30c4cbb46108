package dev.vigil.unpack.archive;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.EntryMetadata;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.Unpacker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * ARJ archives, own reader: headers walked one by one (main header, then a header per entry, each followed by its
 * data), entries decoded by {@link ArjDecoder} (methods 1 to 4) or copied (method 0). Garbled (password-protected)
 * entries are reported as encrypted. Commons Compress reads ARJ headers but decodes stored entries only.
 */
public final class ArjUnpacker implements Unpacker {
    private static final int MAX_HEADER = 2600;
    private static final String TYPE = "CL_TYPE_ARJ";

    @Override
    public String name() {
        return "arj";
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return TYPE.equals(type.name());
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long pos = 0;
        boolean main = true;
        int position = 0;
        while (pos + 4 <= input.size()) {
            byte[] id = input.readFully(pos, 4);
            if ((id[0] & 0xff) != 0x60 || (id[1] & 0xff) != 0xea) {
                sink.error("no ARJ header at " + pos);
                return;
            }
            int size = ZipDirectory.u16(id, 2);
            if (size == 0) {
                return;
            }
            if (size > MAX_HEADER || size < 30) {
                sink.error("ARJ header size " + size + " at " + pos);
                return;
            }
            byte[] h = input.readFully(pos + 4, size);
            if (h.length < size) {
                sink.error("truncated ARJ header");
                return;
            }
            long next = pos + 4 + size + 4;
            // Extended headers: a size, its bytes and a CRC each, until a size of 0.
            for (int guard = 0; ; guard++) {
                byte[] ext = input.readFully(next, 2);
                if (ext.length < 2 || guard > 1000) {
                    sink.error("truncated ARJ extended header");
                    return;
                }
                next += 2;
                int extSize = ZipDirectory.u16(ext, 0);
                if (extSize == 0) {
                    break;
                }
                next += extSize + 4L;
            }
            int first = h[0] & 0xff;
            int flags = h[4] & 0xff;
            int method = h[5] & 0xff;
            int fileType = h[6] & 0xff;
            long compressed = ZipDirectory.u32(h, 12);
            long original = ZipDirectory.u32(h, 16);
            String name = first < size ? cString(h, first) : "";
            if (main) {
                main = false;
                pos = next;
                continue;
            }
            pos = next + compressed;
            if (fileType == 3) {
                continue;
            }
            boolean garbled = (flags & 1) != 0;
            if (!sink.metadata(new EntryMetadata(name, compressed, original, garbled, ++position))) {
                return;
            }
            if (garbled) {
                sink.encrypted(name);
                continue;
            }
            InputStream raw = Inputs.stream(input, next, compressed);
            InputStream data;
            if (method == 0) {
                data = raw;
            } else if (method <= 4) {
                data = Inputs.untilError(new ArjDecoder(raw, method, compressed, original), sink, name);
            } else {
                sink.error(name + ": unknown ARJ method " + method);
                continue;
            }
            if (!sink.child(new Child(name, TYPE, original), data)) {
                return;
            }
        }
    }

    private static String cString(byte[] b, int from) {
        int end = from;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, from, end - from, StandardCharsets.ISO_8859_1);
    }
}
