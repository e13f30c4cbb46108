package dev.vigil.engine.ir;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * A cheap necessary condition on an atom hit of an external pattern ({@link ExternalPatterns#atomFilters}): the
 * eight bytes at {@code pos + offset}, read little-endian and masked, equal a value. It applies only where
 * {@code pos >= minPos} (buffer indexes) and the eight bytes lie inside the buffer; elsewhere the hit passes. The
 * engine tests it before handing a hit to the pattern's language: most atom hits in binaries fail within a few bytes
 * of the atom, and a rejected hit then costs a few loads instead of a call into the verifier.
 */
public final class AtomFilter {
    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private AtomFilter() {
    }

    /** {@code offset} and {@code minPos} in one long, as {@link #rejects} takes them. */
    public static long place(int offset, int minPos) {
        return (long) offset << 32 | (minPos & 0xFFFFFFFFL);
    }

    /**
     * Whether a filter ({@code place} from {@link #place}, mask, value) rejects the atom hit at {@code buf[pos]}.
     * Static and on primitives so that filters of all atoms can live in one flat array.
     */
    public static boolean rejects(long place, long mask, long value, byte[] buf, int pos) {
        int at = pos + (int) (place >> 32);
        return pos >= (int) place && at >= 0 && at <= buf.length - 8
                && ((long) LITTLE_ENDIAN_LONG.get(buf, at) & mask) != value;
    }
}
