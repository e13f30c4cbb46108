package dev.vigil.unpack.pe;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.ChildSink;

import java.io.IOException;

/** Reading whole inputs into memory, which the formats here need, only within the sink's size limits. */
public final class Inputs {
    /** Arrays are never made larger than this, whatever the limits say. */
    public static final long HARD_CAP = Integer.MAX_VALUE - 64;

    private Inputs() {
    }

    /** The largest object one unpacker may produce or read whole: MaxFileSize, or a hard cap when unlimited. */
    public static long maxObject(ChildSink sink) {
        long max = sink.limits().maxFileSize();
        return max <= 0 ? HARD_CAP : Math.min(max, HARD_CAP);
    }

    /** All of {@code input}, or null (after reporting MaxFileSize) when it is larger than the sink allows. */
    public static byte[] readAll(ScanInput input, ChildSink sink, String what) throws IOException {
        if (input.size() > maxObject(sink)) {
            sink.limitExceeded("MaxFileSize", what + " of " + input.size() + " bytes not unpacked");
            return null;
        }
        return input.readFully(0, (int) input.size());
    }
}
