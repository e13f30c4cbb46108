package dev.vigil.unpack.archive;

import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.Inputs;
import dev.vigil.unpack.Unpacker;

import java.io.IOException;
import java.util.Arrays;
import java.util.Set;

/**
 * RAR archives inside other files (RAR self-extractors: an executable stub with the archive after it). ClamAV's raw
 * scan types every RAR 1.5-4.x marker {@code Rar!\x1a\x07\x00} it meets ({@code CL_TYPE_RARSFX}, built-in file type
 * magic) and hands the rest of the file from there to its RAR reader. This unpacker does the same: each marker
 * followed by a main archive header becomes a child running from the marker to the end of the file, which the
 * engine types as RAR and {@link RarUnpacker} opens. ClamAV 1.4 has no such magic for the RAR5 marker
 * {@code Rar!\x1a\x07\x01\x00}, so RAR5 self-extractors are looked for only by a second instance ({@link #withRar5()},
 * in {@link dev.vigil.unpack.Unpackers#beyondClamav()}). Not run on RAR files themselves nor on the types whose raw
 * scan has no embedded typing (as {@link EmbeddedZipUnpacker}), nor on its own children.
 */
public final class RarSfxUnpacker implements Unpacker {
    private static final Set<String> NOT_TYPED = Set.of("CL_TYPE_RAR", "CL_TYPE_RARSFX", "CL_TYPE_ZIP",
            "CL_TYPE_ZIPSFX", "CL_TYPE_GZ", "CL_TYPE_CPIO_OLD", "CL_TYPE_OLD_TAR", "CL_TYPE_POSIX_TAR",
            "CL_TYPE_ARJSFX", "CL_TYPE_CABSFX", "CL_TYPE_7ZSFX", "CL_TYPE_EGGSFX", "CL_TYPE_PART_ANY");
    private static final String TYPE = "CL_TYPE_RARSFX";
    private static final int CHUNK = 1 << 16;
    /** The longest marker, RAR5's, plus what the header check reads after it. */
    private static final int LOOK = 16;

    private final boolean rar5;

    public RarSfxUnpacker() {
        this(false);
    }

    private RarSfxUnpacker(boolean rar5) {
        this.rar5 = rar5;
    }

    /** RAR5 archives after a stub (and only those), which clamscan 1.4 does not look for. */
    public static RarSfxUnpacker withRar5() {
        return new RarSfxUnpacker(true);
    }

    @Override
    public String name() {
        return rar5 ? "rarsfx5" : "rarsfx";
    }

    @Override
    public boolean alongside() {
        return true;
    }

    @Override
    public boolean accepts(FileType type, ScanInput input) {
        return !NOT_TYPED.contains(type.name()) && input.size() > Rar4Blocks.SIGNATURE.length + 7;
    }

    @Override
    public void unpack(ScanInput input, ChildSink sink) throws IOException {
        long size = input.size();
        byte[] buf = new byte[CHUNK + LOOK];
        for (long base = 0; base < size; base += CHUNK) {
            int n = input.read(base, buf, 0, (int) Math.min(buf.length, size - base));
            for (int i = 0; i < n && i < CHUNK; i++) {
                if (buf[i] != 'R') {
                    continue;
                }
                long at = base + i;
                if (at == 0 || !archiveStartsAt(buf, i, n)) {
                    // At offset 0 the file is a RAR itself (or not one at all): typed as such, not an SFX.
                    continue;
                }
                if (!sink.child(new Child("rarsfx@" + at, TYPE, size - at), Inputs.stream(input, at, size - at))) {
                    return;
                }
            }
        }
    }

    /**
     * A marker at {@code i} followed by the start of a main header: for RAR 1.5-4.x the next block's type byte,
     * for RAR5 the next block's header size and type. The check keeps arbitrary occurrences of the marker bytes
     * (a RAR stored inside a zip, say, or the marker quoted in a text) from becoming children that can only fail.
     */
    private boolean archiveStartsAt(byte[] b, int i, int n) {
        byte[] rar4 = Rar4Blocks.SIGNATURE;
        if (!rar5 && i + rar4.length + 3 <= n && Arrays.equals(b, i, i + rar4.length, rar4, 0, rar4.length)) {
            return (b[i + rar4.length + 2] & 0xff) == 0x73;
        }
        byte[] rar5Marker = Rar5Reader.SIGNATURE;
        if (rar5 && i + rar5Marker.length + 6 <= n
                && Arrays.equals(b, i, i + rar5Marker.length, rar5Marker, 0, rar5Marker.length)) {
            int at = i + rar5Marker.length + 4;
            // A main header: one size byte (it is small), then type 1.
            return (b[at] & 0x80) == 0 && b[at + 1] == 1;
        }
        return false;
    }
}
