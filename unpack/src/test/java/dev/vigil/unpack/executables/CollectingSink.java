package dev.vigil.unpack.executables;

import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Keeps what an unpacker delivers (bounded by MaxFileSize per child) and the limits it reports. */
final class CollectingSink implements ChildSink {
    final UnpackLimits limits;
    final List<Child> children = new ArrayList<>();
    final List<byte[]> data = new ArrayList<>();
    final List<String> limitsHit = new ArrayList<>();
    int stopAfter = Integer.MAX_VALUE;

    CollectingSink() {
        this(UnpackLimits.DEFAULT);
    }

    CollectingSink(UnpackLimits limits) {
        this.limits = limits;
    }

    static UnpackLimits limits(long maxFileSize, int maxFiles, long maxScanSize) {
        return new UnpackLimits(maxScanSize, maxFileSize, 17, maxFiles, 40L << 20, Duration.ofSeconds(120));
    }

    @Override
    public boolean child(Child child, InputStream in) throws IOException {
        children.add(child);
        data.add(in.readNBytes((int) Math.min(Integer.MAX_VALUE - 64, limits.maxFileSize())));
        return children.size() < stopAfter;
    }

    @Override
    public void encrypted(String name) {
        limitsHit.add("encrypted " + name);
    }

    @Override
    public void limitExceeded(String limitName, String detail) {
        limitsHit.add(limitName + ": " + detail);
    }

    @Override
    public UnpackLimits limits() {
        return limits;
    }
}
