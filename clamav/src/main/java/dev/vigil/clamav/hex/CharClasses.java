package dev.vigil.clamav.hex;

import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.PatternNode;

import java.util.List;

/** The byte classes behind ClamAV's {@code (B)}, {@code (L)} and {@code (W)} markers. */
final class CharClasses {
    private CharClasses() {
    }

    /** Bytes that may precede a word ({@code (B)} at the start of a part). */
    static final ByteSet BOUNDARY_LEFT = ByteSet.ofAll(' ', '-', '.', '/', '<', '@', '_');
    /** Bytes that may follow a word ({@code (B)} at the end of a part). */
    static final ByteSet BOUNDARY_RIGHT = ByteSet.ofAll('\n', '\r', ' ', '"', '\'', '-', '/', '=', '>', '_');
    /** Every boundary byte, either side ({@code (B)} inside a part). */
    static final ByteSet BOUNDARY = BOUNDARY_LEFT.union(BOUNDARY_RIGHT);
    /** What C's {@code isalnum} accepts in the C locale. */
    static final ByteSet ALNUM = alnum();

    private static ByteSet alnum() {
        ByteSet s = ByteSet.NONE;
        for (int c = '0'; c <= '9'; c++) {
            s = s.with(c);
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            s = s.with(c).with(c + 32);
        }
        return s;
    }

    /** {@code (L)} inside a part: LF, or CR LF. */
    static PatternNode lineEnd() {
        return new Alternation(List.of(List.of(ByteSet.of('\n')), List.of(ByteSet.of('\r'), ByteSet.of('\n'))), false);
    }

    /** {@code !(L)} inside a part: one byte that does not begin a line end (a CR counts unless LF follows). */
    static PatternNode notLineEnd() {
        return new Alternation(List.of(
                List.of(ByteSet.ofAll('\n', '\r').complement()),
                List.of(ByteSet.of('\r'), new LookAround(false, ByteSet.of('\n').complement(), true, false))), false);
    }

    /**
     * {@code !(L)} at the end of a part: a byte follows and it does not begin a line end. A lone CR is consumed to
     * look past it, which moves the part's end by one byte in that rare case.
     */
    static PatternNode notLineEndAhead() {
        return new Alternation(List.of(
                List.of(new LookAround(false, ByteSet.ofAll('\n', '\r').complement(), false, false)),
                List.of(ByteSet.of('\r'), new LookAround(false, ByteSet.of('\n').complement(), true, false))), false);
    }
}
