package dev.vigil.unpack;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** A sink for tests that keeps everything an unpacker reports: children whole, errors, limits hit, encrypted names. */
public final class CollectedChildren implements ChildSink {
    public final List<String> names = new ArrayList<>();
    public final List<byte[]> data = new ArrayList<>();
    public final List<String> errors = new ArrayList<>();
    /** The names of the limits reported. */
    public final List<String> limits = new ArrayList<>();
    public final List<String> encrypted = new ArrayList<>();
    private final UnpackLimits unpackLimits;

    public CollectedChildren(UnpackLimits limits) {
        this.unpackLimits = limits;
    }

    /** What {@code unpacker} reports for {@code file} under {@code limits}. */
    public static CollectedChildren of(Unpacker unpacker, byte[] file, UnpackLimits limits) throws IOException {
        CollectedChildren c = new CollectedChildren(limits);
        unpacker.unpack(ScanInput.of(file), c);
        return c;
    }

    @Override
    public boolean child(Child child, InputStream in) throws IOException {
        byte[] d = in.readAllBytes();
        names.add(child.name());
        data.add(d);
        return true;
    }

    @Override
    public void error(String detail) {
        errors.add(detail);
    }

    @Override
    public void encrypted(String name) {
        encrypted.add(name);
    }

    @Override
    public void limitExceeded(String limitName, String detail) {
        limits.add(limitName);
    }

    @Override
    public UnpackLimits limits() {
        return unpackLimits;
    }
}
