package dev.vigil.unpack.documents;

import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/** A sink that reads and counts what it is offered, and records the limits reported, without scanning. */
final class DrainingSink implements ChildSink {
    private final UnpackLimits limits;
    final List<String> limitsHit = new ArrayList<>();
    int children;
    long bytes;
    long largest;

    DrainingSink(UnpackLimits limits) {
        this.limits = limits;
    }

    @Override
    public boolean child(Child child, InputStream data) throws IOException {
        children++;
        long n = data.transferTo(OutputStreamSink.INSTANCE);
        bytes += n;
        largest = Math.max(largest, n);
        return limits.maxFiles() <= 0 || children < limits.maxFiles();
    }

    @Override
    public void encrypted(String name) {
    }

    @Override
    public void limitExceeded(String limitName, String detail) {
        limitsHit.add(limitName);
    }

    @Override
    public UnpackLimits limits() {
        return limits;
    }

    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
