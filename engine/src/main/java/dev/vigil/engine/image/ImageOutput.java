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
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes the parts of an engine image: primitives, primitive arrays in bulk, and the few IR records the compiled
 * engine keeps. Everything written is covered by a CRC-32C that {@link #finish()} appends.
 */
public final class ImageOutput {
    private final OutputStream target;
    private final CRC32C crc = new CRC32C();
    /** Everything goes through this one little-endian buffer: no per-value stream calls. */
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);

    public ImageOutput(OutputStream target) {
        this.target = target;
    }

    private void room(int bytes) throws IOException {
        if (buf.remaining() < bytes) {
            drain();
        }
    }

    private void drain() throws IOException {
        crc.update(buf.array(), 0, buf.position());
        target.write(buf.array(), 0, buf.position());
        buf.clear();
    }

    public void writeInt(int v) throws IOException {
        room(4);
        buf.putInt(v);
    }

    public void writeLong(long v) throws IOException {
        room(8);
        buf.putLong(v);
    }

    public void writeBoolean(boolean v) throws IOException {
        room(1);
        buf.put((byte) (v ? 1 : 0));
    }

    private void writeByte(int v) throws IOException {
        room(1);
        buf.put((byte) v);
    }

    /** Null is written as length -1. */
    public void writeString(String s) throws IOException {
        writeBytes(s == null ? null : s.getBytes(StandardCharsets.UTF_8));
    }

    /** A list as one column of lengths (-1 for null) and one blob of UTF-8 bytes, so it is read in bulk. */
    public void writeStrings(List<String> list) throws IOException {
        int[] lengths = new int[list.size()];
        java.io.ByteArrayOutputStream blob = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < lengths.length; i++) {
            String s = list.get(i);
            if (s == null) {
                lengths[i] = -1;
            } else {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                lengths[i] = b.length;
                blob.write(b);
            }
        }
        writeInts(lengths);
        writeBytes(blob.toByteArray());
    }

    public void writeBytes(byte[] a) throws IOException {
        if (a == null) {
            writeInt(-1);
            return;
        }
        writeInt(a.length);
        for (int i = 0; i < a.length; ) {
            room(1);
            int n = Math.min(a.length - i, buf.remaining());
            buf.put(a, i, n);
            i += n;
        }
    }

    public void writeInts(int[] a) throws IOException {
        if (a == null) {
            writeInt(-1);
            return;
        }
        writeInt(a.length);
        for (int i = 0; i < a.length; ) {
            room(4);
            int n = Math.min(a.length - i, buf.remaining() / 4);
            buf.asIntBuffer().put(a, i, n);
            buf.position(buf.position() + n * 4);
            i += n;
        }
    }

    public void writeLongs(long[] a) throws IOException {
        if (a == null) {
            writeInt(-1);
            return;
        }
        writeInt(a.length);
        for (int i = 0; i < a.length; ) {
            room(8);
            int n = Math.min(a.length - i, buf.remaining() / 8);
            buf.asLongBuffer().put(a, i, n);
            buf.position(buf.position() + n * 8);
            i += n;
        }
    }

    public void writeRange(Range r) throws IOException {
        writeBoolean(r != null);
        if (r != null) {
            writeLong(r.min());
            writeLong(r.max());
        }
    }

    /** Null means "anywhere" in the compiled tables, so it has its own tag. */
    public void writeOffset(OffsetSpec o) throws IOException {
        switch (o) {
            case null -> writeByte(0);
            case OffsetSpec.Any a -> writeByte(1);
            case OffsetSpec.Absolute a -> {
                writeByte(2);
                writeLong(a.offset());
                writeLong(a.shift());
            }
            case OffsetSpec.FromEnd f -> {
                writeByte(3);
                writeLong(f.distance());
                writeLong(f.shift());
            }
            case OffsetSpec.EntryPoint e -> {
                writeByte(4);
                writeLong(e.delta());
                writeLong(e.shift());
            }
            case OffsetSpec.SectionStart s -> {
                writeByte(5);
                writeInt(s.section());
                writeLong(s.delta());
                writeLong(s.shift());
            }
            case OffsetSpec.LastSection l -> {
                writeByte(6);
                writeLong(l.delta());
                writeLong(l.shift());
            }
            case OffsetSpec.InSection s -> {
                writeByte(7);
                writeInt(s.section());
                writeLong(s.shift());
            }
            case OffsetSpec.VersionInfo v -> writeByte(8);
            case OffsetSpec.MacroGroup m -> {
                writeByte(9);
                writeInt(m.group());
            }
        }
    }

    public void writeTarget(TargetDescription t) throws IOException {
        writeInt(t.target());
        writeRange(t.fileSize());
        writeRange(t.entryPoint());
        writeRange(t.numberOfSections());
        writeString(t.container());
        writeStrings(t.intermediates());
        writeString(t.iconGroup1());
        writeString(t.iconGroup2());
        writeString(t.handlerType());
    }

    public void writePattern(BodyPattern p) throws IOException {
        writeInt(p.parts().size());
        for (Part part : p.parts()) {
            writeNodes(part.nodes());
        }
        for (Gap g : p.gaps()) {
            writeLong(g.min());
            writeLong(g.max());
        }
    }

    private void writeNodes(List<PatternNode> nodes) throws IOException {
        writeInt(nodes.size());
        for (PatternNode n : nodes) {
            switch (n) {
                case ByteSet b -> {
                    writeByte(1);
                    writeSet(b);
                }
                case AnyBytes a -> {
                    writeByte(2);
                    writeInt(a.min());
                    writeInt(a.max());
                }
                case Alternation a -> {
                    writeByte(3);
                    writeBoolean(a.negated());
                    writeInt(a.alternatives().size());
                    for (List<PatternNode> alt : a.alternatives()) {
                        writeNodes(alt);
                    }
                }
                case LookAround l -> {
                    writeByte(4);
                    writeBoolean(l.behind());
                    writeSet(l.set());
                    writeBoolean(l.edgeOk());
                    writeBoolean(l.crlfOk());
                    writeInt(l.minDistance());
                    writeInt(l.maxDistance());
                }
            }
        }
    }

    private void writeSet(ByteSet b) throws IOException {
        writeLong(b.w0());
        writeLong(b.w1());
        writeLong(b.w2());
        writeLong(b.w3());
    }

    /** Writes a reader-owned object as its codec and source text. */
    public void writeEncodable(Object o) throws IOException {
        if (!(o instanceof ImageEncodable e)) {
            throw new IllegalArgumentException("cannot store " + o.getClass().getName() + " in an engine image");
        }
        writeString(e.imageCodec());
        writeString(e.imageText());
    }

    /** Appends the checksum of everything written and flushes. */
    public void finish() throws IOException {
        drain();
        int value = (int) crc.getValue();
        buf.putInt(value);
        target.write(buf.array(), 0, 4);
        buf.clear();
        target.flush();
    }
}
