package dev.vigil.unpack.ole2;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The decompressed {@code dir} stream of a VBA project (MS-OVBA 2.3.4.2): which streams hold which module. */
final class VbaDir {
    private static final int PROJECT_VERSION = 0x0009;
    private static final int MODULE_NAME = 0x0019;
    private static final int MODULE_STREAM_NAME = 0x001A;
    private static final int MODULE_OFFSET = 0x0031;
    private static final int MODULE_TERMINATOR = 0x002B;
    private static final int MAX_MODULES = 10_000;

    record Module(String name, String streamName, long textOffset) {
    }

    private VbaDir() {
    }

    static List<Module> modules(byte[] dir) {
        List<Module> out = new ArrayList<>();
        String name = null;
        String stream = null;
        long offset = -1;
        int p = 0;
        while (p + 6 <= dir.length && out.size() < MAX_MODULES) {
            int id = Ole2Reader.le16(dir, p);
            long size = Ole2Reader.le32(dir, p + 2) & 0xffffffffL;
            p += 6;
            if (id == PROJECT_VERSION) {
                size = 6; // its size field says 4 but two more bytes follow
            }
            if (size > dir.length - p) {
                break;
            }
            switch (id) {
                case MODULE_NAME -> name = new String(dir, p, (int) size, StandardCharsets.ISO_8859_1);
                case MODULE_STREAM_NAME -> stream = new String(dir, p, (int) size, StandardCharsets.ISO_8859_1);
                case MODULE_OFFSET -> offset = size >= 4 ? Ole2Reader.le32(dir, p) & 0xffffffffL : -1;
                case MODULE_TERMINATOR -> {
                    if (stream != null) {
                        out.add(new Module(name == null ? stream : name, stream, offset));
                    }
                    name = null;
                    stream = null;
                    offset = -1;
                }
                default -> {
                }
            }
            p += (int) size;
        }
        return out;
    }
}
