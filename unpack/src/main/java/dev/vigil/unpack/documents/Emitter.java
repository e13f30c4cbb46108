package dev.vigil.unpack.documents;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;

import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * The document unpackers' side of a {@link ChildSink}: names children, enforces the per-object size cap while
 * decoding and turns the sink's "stop" into an exception that unwinds the parser at once.
 */
public final class Emitter {
    /** Thrown when the sink asks the unpacker to stop; caught at the top of {@code unpack}. */
    public static final class Stopped extends IOException {
        Stopped() {
            super("the sink asked the unpacker to stop");
        }
    }

    private final ChildSink sink;
    private final String containerType;
    private final long maxObject;
    private int emitted;

    public Emitter(ChildSink sink, String containerType) {
        this.sink = sink;
        this.containerType = containerType;
        long max = sink.limits().maxFileSize();
        this.maxObject = max <= 0 ? Integer.MAX_VALUE - 16 : Math.min(max, Integer.MAX_VALUE - 16);
    }

    public ChildSink sink() {
        return sink;
    }

    public UnpackLimits limits() {
        return sink.limits();
    }

    /** The most bytes one decoded object may have before it is dropped (MaxFileSize). */
    public long maxObject() {
        return maxObject;
    }

    /** A fresh buffer capped at {@link #maxObject()}. */
    public BoundedBuffer buffer() {
        return new BoundedBuffer(maxObject);
    }

    public int emitted() {
        return emitted;
    }

    /** Nesting depth the unpacker may follow inside one container (MaxRecursion, at least 1). */
    public int maxDepth() {
        int r = sink.limits().maxRecursion();
        return r <= 0 ? 64 : r;
    }

    public void emit(String name, byte[] data) throws IOException {
        emit(name, data, 0, data.length);
    }

    public void emit(String name, BoundedBuffer data) throws IOException {
        emit(name, data.array(), 0, data.length());
    }

    public void emit(String name, byte[] data, int off, int len) throws IOException {
        emitted++;
        if (!sink.child(new Child(name, containerType, len), new ByteArrayInputStream(data, off, len))) {
            throw new Stopped();
        }
    }

    /** Reports a decoding cut short by a limit; the object is not offered. */
    public void limit(String limitName, String detail) {
        sink.limitExceeded(limitName, detail);
    }

    /**
     * The whole input as an array, read up to {@link #maxObject()} bytes (a longer input is cut there and the limit
     * reported); parsers of text formats work on the array.
     */
    public byte[] readAll(ScanInput input) throws IOException {
        long size = input.size();
        if (size > maxObject) {
            limit("MaxFileSize", "container larger than " + maxObject + " bytes; only its start is parsed");
        }
        return input.readFully(0, (int) Math.min(size, maxObject));
    }
}
