package dev.vigil.engine.image;

import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.AnyBytes;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;
import dev.vigil.engine.ir.Range;
import dev.vigil.engine.ir.TargetDescription;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Reads what {@link ImageOutput} wrote. The image's size is known up front, so every length read is checked against
 * the bytes that remain before anything is allocated: a truncated or hostile image fails with
 * {@link ImageFormatException}, never with an allocation of the size it claims.
 */
public final class ImageInput {
    /** Nesting of alternations inside patterns; the compilers never produce more. */
    private static final int MAX_PATTERN_DEPTH = 64;
    /** Most body signatures match anywhere; one shared (immutable) instance serves them all. */
    private static final OffsetSpec ANY_OFFSET = new OffsetSpec.Any();

    private final InputStream source;
    private final CRC32C crc = new CRC32C();
    /** Content bytes not yet pulled from {@link #source} (the 4-byte checksum trailer excluded). */
    private long unread;
    /** Content bytes not yet consumed by the reads below (what lengths are checked against). */
    private long remaining;
    /** Decoded objects of {@link ImageDecoder#shareable} codecs, by codec, position and text. */
    private final java.util.Map<String, Object> decoded = new java.util.HashMap<>();
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

    /** @param size the number of bytes {@code source} holds, trailer included */
    public ImageInput(InputStream source, long size) throws ImageFormatException {
        if (size < 4) {
            throw new ImageFormatException("engine image is truncated");
        }
        this.source = source;
        this.unread = size - 4;
        this.remaining = size - 4;
        buf.limit(0);
    }

    /** Makes at least {@code bytes} (at most the buffer's size) readable in {@link #buf}. */
    private void fill(int bytes) throws IOException {
        if (buf.remaining() >= bytes) {
            return;
        }
        buf.compact();
        while (buf.position() < bytes) {
            int want = (int) Math.min(buf.remaining(), unread);
            if (want == 0) {
                throw new ImageFormatException("engine image is truncated");
            }
            int n = source.read(buf.array(), buf.position(), want);
            if (n < 0) {
                throw new ImageFormatException("engine image is truncated");
            }
            crc.update(buf.array(), buf.position(), n);
            buf.position(buf.position() + n);
            unread -= n;
        }
        buf.flip();
    }

    private void need(long bytes) throws ImageFormatException {
        if (bytes < 0 || bytes > remaining) {
            throw new ImageFormatException("engine image is truncated or corrupt (needs " + bytes + " bytes, "
                    + Math.max(0, remaining) + " left)");
        }
        remaining -= bytes;
    }

    public int readInt() throws IOException {
        need(4);
        fill(4);
        return buf.getInt();
    }

    public long readLong() throws IOException {
        need(8);
        fill(8);
        return buf.getLong();
    }

    public boolean readBoolean() throws IOException {
        return readByte() != 0;
    }

    private int readByte() throws IOException {
        need(1);
        fill(1);
        return buf.get() & 0xff;
    }

    /** A non-negative count, each element of which needs at least {@code minBytesEach} bytes of the image. */
    public int readCount(int minBytesEach) throws IOException {
        int n = readInt();
        if (n < 0 || (long) n * Math.max(1, minBytesEach) > remaining) {
            throw new ImageFormatException("engine image is corrupt: count " + n);
        }
        return n;
    }

    public String readString() throws IOException {
        int n = readLength(1);
        if (n < 0) {
            return null;
        }
        if (n <= buf.capacity()) {
            fill(n);
            String s = new String(buf.array(), buf.position(), n, StandardCharsets.UTF_8);
            buf.position(buf.position() + n);
            return s;
        }
        return new String(copyBytes(n), StandardCharsets.UTF_8);
    }

    /** Reads what {@link ImageOutput#writeStrings} wrote (null elements included). */
    public List<String> readStrings() throws IOException {
        int[] lengths = readInts();
        byte[] blob = readBytes();
        if (lengths == null || blob == null) {
            throw new ImageFormatException("engine image is corrupt: missing string list");
        }
        List<String> out = new ArrayList<>(lengths.length);
        int at = 0;
        for (int n : lengths) {
            if (n == -1) {
                out.add(null);
                continue;
            }
            if (n < 0 || n > blob.length - at) {
                throw new ImageFormatException("engine image is corrupt: string list");
            }
            out.add(new String(blob, at, n, StandardCharsets.UTF_8));
            at += n;
        }
        if (at != blob.length) {
            throw new ImageFormatException("engine image is corrupt: string list");
        }
        return out;
    }

    /** Reads a length (-1 for null) and reserves its elements' bytes, so nothing is allocated beyond the image. */
    private int readLength(int elementSize) throws IOException {
        int n = readInt();
        if (n == -1) {
            return -1;
        }
        if (n < 0) {
            throw new ImageFormatException("engine image is corrupt: array length " + n);
        }
        need((long) n * elementSize);
        return n;
    }

    public byte[] readBytes() throws IOException {
        int n = readLength(1);
        return n < 0 ? null : copyBytes(n);
    }

    private byte[] copyBytes(int n) throws IOException {
        byte[] a = new byte[n];
        for (int i = 0; i < n; ) {
            fill(1);
            int k = Math.min(n - i, buf.remaining());
            buf.get(a, i, k);
            i += k;
        }
        return a;
    }

    public int[] readInts() throws IOException {
        int n = readLength(4);
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; ) {
            fill(4);
            int k = Math.min(n - i, buf.remaining() / 4);
            buf.asIntBuffer().get(a, i, k);
            buf.position(buf.position() + k * 4);
            i += k;
        }
        return a;
    }

    public long[] readLongs() throws IOException {
        int n = readLength(8);
        if (n < 0) {
            return null;
        }
        long[] a = new long[n];
        for (int i = 0; i < n; ) {
            fill(8);
            int k = Math.min(n - i, buf.remaining() / 8);
            buf.asLongBuffer().get(a, i, k);
            buf.position(buf.position() + k * 8);
            i += k;
        }
        return a;
    }

    public Range readRange() throws IOException {
        if (!readBoolean()) {
            return null;
        }
        long min = readLong();
        long max = readLong();
        try {
            return new Range(min, max);
        } catch (IllegalArgumentException e) {
            throw new ImageFormatException("engine image is corrupt: " + e.getMessage());
        }
    }

    public OffsetSpec readOffset() throws IOException {
        int tag = readByte();
        // the common case stays small enough for the JIT to inline; the others are rare
        return tag == 1 ? ANY_OFFSET : readOtherOffset(tag);
    }

    private OffsetSpec readOtherOffset(int tag) throws IOException {
        return switch (tag) {
            case 0 -> null;
            case 1 -> ANY_OFFSET;
            case 2 -> new OffsetSpec.Absolute(readLong(), readLong());
            case 3 -> new OffsetSpec.FromEnd(readLong(), readLong());
            case 4 -> new OffsetSpec.EntryPoint(readLong(), readLong());
            case 5 -> new OffsetSpec.SectionStart(readInt(), readLong(), readLong());
            case 6 -> new OffsetSpec.LastSection(readLong(), readLong());
            case 7 -> new OffsetSpec.InSection(readInt(), readLong());
            case 8 -> new OffsetSpec.VersionInfo();
            case 9 -> new OffsetSpec.MacroGroup(readInt());
            default -> throw new ImageFormatException("engine image is corrupt: offset tag " + tag);
        };
    }

    public TargetDescription readTarget() throws IOException {
        return new TargetDescription(readInt(), readRange(), readRange(), readRange(), readString(), readStrings(),
                readString(), readString(), readString());
    }

    public BodyPattern readPattern() throws IOException {
        int parts = readCount(4);
        if (parts == 0) {
            throw new ImageFormatException("engine image is corrupt: empty pattern");
        }
        List<Part> ps = new ArrayList<>(parts);
        for (int i = 0; i < parts; i++) {
            ps.add(new Part(readNodes(0)));
        }
        List<Gap> gaps = new ArrayList<>(parts - 1);
        for (int i = 0; i < parts - 1; i++) {
            gaps.add(new Gap(readLong(), readLong()));
        }
        try {
            return new BodyPattern(ps, gaps);
        } catch (IllegalArgumentException e) {
            throw new ImageFormatException("engine image is corrupt: " + e.getMessage());
        }
    }

    private List<PatternNode> readNodes(int depth) throws IOException {
        if (depth > MAX_PATTERN_DEPTH) {
            throw new ImageFormatException("engine image is corrupt: patterns nested too deeply");
        }
        int n = readCount(1);
        List<PatternNode> nodes = new ArrayList<>(n);
        try {
            for (int i = 0; i < n; i++) {
                int tag = readByte();
                nodes.add(switch (tag) {
                    case 1 -> readSet();
                    case 2 -> new AnyBytes(readInt(), readInt());
                    case 3 -> {
                        boolean negated = readBoolean();
                        int alts = readCount(4);
                        List<List<PatternNode>> list = new ArrayList<>(alts);
                        for (int k = 0; k < alts; k++) {
                            list.add(readNodes(depth + 1));
                        }
                        yield new Alternation(list, negated);
                    }
                    case 4 -> new LookAround(readBoolean(), readSet(), readBoolean(), readBoolean(), readInt(),
                            readInt());
                    default -> throw new ImageFormatException("engine image is corrupt: pattern node tag " + tag);
                });
            }
        } catch (IllegalArgumentException e) {
            throw new ImageFormatException("engine image is corrupt: " + e.getMessage());
        }
        return nodes;
    }

    private ByteSet readSet() throws IOException {
        return new ByteSet(readLong(), readLong(), readLong(), readLong());
    }

    /** Reads a reader-owned object through {@code decoder}. */
    public Object readEncodable(ImageDecoder decoder, int subsignature, int target) throws IOException {
        String codec = readString();
        String text = readString();
        if (codec == null || text == null) {
            throw new ImageFormatException("engine image is corrupt: missing codec or text");
        }
        if (!decoder.shareable(codec)) {
            return decode(decoder, codec, text, subsignature, target);
        }
        // Logical expressions repeat a few shapes (0&1, 0|1, ...) across thousands of signatures: parse each once.
        String key = codec + '\n' + subsignature + '\n' + target + '\n' + text;
        Object shared = decoded.get(key);
        if (shared == null) {
            shared = decode(decoder, codec, text, subsignature, target);
            decoded.put(key, shared);
        }
        return shared;
    }

    private static Object decode(ImageDecoder decoder, String codec, String text, int subsignature, int target)
            throws IOException {
        try {
            return decoder.decode(codec, text, subsignature, target);
        } catch (RuntimeException e) {
            // a damaged text can trip a reader's parser in ways it does not expect from its own output
            throw new ImageFormatException("engine image is corrupt: " + codec + " text refused (" + e + ")");
        }
    }

    /** Checks that the whole image was read and that its checksum holds. */
    public void finish() throws IOException {
        if (remaining != 0 || unread != 0 || buf.hasRemaining()) {
            throw new ImageFormatException("engine image has " + remaining + " unexpected bytes at its end");
        }
        byte[] tail = source.readNBytes(4);
        if (tail.length != 4) {
            throw new ImageFormatException("engine image is truncated (no checksum)");
        }
        int stored = ByteBuffer.wrap(tail).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) {
            throw new ImageFormatException("engine image checksum mismatch: the file is corrupt");
        }
    }
}
