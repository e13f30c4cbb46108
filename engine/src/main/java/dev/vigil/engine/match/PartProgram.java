package dev.vigil.engine.match;

import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import java.io.IOException;

import dev.vigil.engine.ir.Alternation;
import dev.vigil.engine.ir.AnyBytes;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.LookAround;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.PatternNode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A part compiled for verification at a candidate start. Parts made only of byte sets (nearly all real signatures)
 * run a straight comparison loop; the others run a small NFA (Pike VM without captures), which keeps verification
 * linear in the part's length whatever its alternations and ranges.
 */
final class PartProgram {
    // Straight form: the bytes to compare, and where some position is not a single byte, a code per position:
    // 0..255 literal, ANY_CODE, or SET_BASE + set index (a char, so at most MAX_STRAIGHT_SETS sets).
    static final int ANY_CODE = 256;
    static final int SET_BASE = 512;
    static final int MAX_STRAIGHT_SETS = Character.MAX_VALUE - SET_BASE + 1;

    // NFA instruction opcodes (3 ints per instruction: op, a, b).
    static final int OP_SET = 1;      // consume one byte in set a
    static final int OP_SPLIT = 2;    // continue at a and at b
    static final int OP_JMP = 3;      // continue at a
    static final int OP_BEHIND = 4;   // byte before is in set a (b: 1 = start of data accepted)
    static final int OP_AHEAD = 5;    // byte after is in set a (b: bit0 end accepted, bit1 \r\n accepted)
    static final int OP_NOTANY = 6;   // the next aux[a+1] bytes match none of aux[a] alternatives at aux[a+2..]
    static final int OP_MATCH = 7;
    static final int OP_BEHIND_AT = 8; // some byte aux[b]..aux[b+1] bytes before the byte before is in set a
    static final int OP_AHEAD_AT = 9;  // some byte aux[b]..aux[b+1] bytes after the byte after is in set a

    final int minLength;
    final int maxLength;
    /**
     * Non-null for the straight form: one byte per position (most parts are plain bytes, and a byte each keeps a
     * large database's programs a quarter of the size that an int each took).
     */
    final byte[] straight;
    /** Straight form with a wildcard or byte set somewhere: the code of each position; null when all are literal. */
    final char[] codes;
    /** Non-null for the NFA form. */
    final int[] prog;
    final int[] aux;
    /** Byte sets, four longs each. */
    final long[] sets;
    /** How many bytes before a look-around's position it may read (the verification window must hold them). */
    final int behindReach;
    /** How many bytes after a look-around's position it may read. */
    final int aheadReach;

    private PartProgram(int minLength, int maxLength, byte[] straight, char[] codes, int[] prog, int[] aux,
                        long[] sets, int behindReach, int aheadReach) {
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.straight = straight;
        this.codes = codes;
        this.prog = prog;
        this.aux = aux;
        this.sets = sets;
        this.behindReach = behindReach;
        this.aheadReach = aheadReach;
    }

    /**
     * Writes all programs as one table: their scalar fields as four columns, then each kind of array (straight bytes,
     * straight codes, NFA, auxiliary data, byte sets) as a column of lengths (-1 for none) and one concatenation. A
     * reader then pulls a few bulk arrays instead of a million small ones.
     */
    static void writeAll(ImageOutput out, PartProgram[] programs) throws IOException {
        int n = programs.length;
        int[] minLengths = new int[n];
        int[] maxLengths = new int[n];
        int[] behind = new int[n];
        int[] ahead = new int[n];
        for (int i = 0; i < n; i++) {
            minLengths[i] = programs[i].minLength;
            maxLengths[i] = programs[i].maxLength;
            behind[i] = programs[i].behindReach;
            ahead[i] = programs[i].aheadReach;
        }
        out.writeInts(minLengths);
        out.writeInts(maxLengths);
        out.writeInts(behind);
        out.writeInts(ahead);
        writeStraightBytes(out, programs);
        int[][] codes = new int[n][];
        for (int i = 0; i < n; i++) {
            codes[i] = programs[i].codes == null ? null : codesAsInts(programs[i].codes);
        }
        writeIntColumn(out, n, i -> codes[i]);
        writeIntColumn(out, n, i -> programs[i].prog);
        writeIntColumn(out, n, i -> programs[i].aux);
        int[] setLengths = new int[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            setLengths[i] = programs[i].sets.length;
            total += setLengths[i];
        }
        long[] sets = new long[Math.toIntExact(total)];
        int at = 0;
        for (PartProgram p : programs) {
            System.arraycopy(p.sets, 0, sets, at, p.sets.length);
            at += p.sets.length;
        }
        out.writeInts(setLengths);
        out.writeLongs(sets);
    }

    private static void writeStraightBytes(ImageOutput out, PartProgram[] programs) throws IOException {
        int[] lengths = new int[programs.length];
        long total = 0;
        for (int i = 0; i < programs.length; i++) {
            byte[] a = programs[i].straight;
            lengths[i] = a == null ? -1 : a.length;
            total += a == null ? 0 : a.length;
        }
        byte[] all = new byte[Math.toIntExact(total)];
        int at = 0;
        for (PartProgram p : programs) {
            if (p.straight != null) {
                System.arraycopy(p.straight, 0, all, at, p.straight.length);
                at += p.straight.length;
            }
        }
        out.writeInts(lengths);
        out.writeBytes(all);
    }

    private static int[] codesAsInts(char[] codes) {
        int[] a = new int[codes.length];
        for (int i = 0; i < codes.length; i++) {
            a[i] = codes[i];
        }
        return a;
    }

    private static void writeIntColumn(ImageOutput out, int n, java.util.function.IntFunction<int[]> field)
            throws IOException {
        int[] lengths = new int[n];
        long total = 0;
        for (int i = 0; i < n; i++) {
            int[] a = field.apply(i);
            lengths[i] = a == null ? -1 : a.length;
            total += a == null ? 0 : a.length;
        }
        int[] all = new int[Math.toIntExact(total)];
        int at = 0;
        for (int i = 0; i < n; i++) {
            int[] a = field.apply(i);
            if (a != null) {
                System.arraycopy(a, 0, all, at, a.length);
                at += a.length;
            }
        }
        out.writeInts(lengths);
        out.writeInts(all);
    }

    /** Reads what {@link #writeAll} wrote and checks every program as {@link #check} does. */
    static PartProgram[] readAll(ImageInput in, int count) throws IOException {
        int[] minLengths = column(in, count);
        int[] maxLengths = column(in, count);
        int[] behind = column(in, count);
        int[] ahead = column(in, count);
        byte[][] straight = byteSlices(in, count);
        int[][] codes = slices(in, count);
        int[][] prog = slices(in, count);
        int[][] aux = slices(in, count);
        int[] setLengths = column(in, count);
        long[] sets = in.readLongs();
        if (sets == null) {
            throw corrupt("program table");
        }
        PartProgram[] out = new PartProgram[count];
        int at = 0;
        for (int i = 0; i < count; i++) {
            int n = setLengths[i];
            if (n < 0 || n > sets.length - at) {
                throw corrupt("program table");
            }
            long[] s = n == 0 ? NO_SETS : Arrays.copyOfRange(sets, at, at + n);
            at += n;
            out[i] = check(minLengths[i], maxLengths[i], straight[i], codes[i], prog[i], aux[i], s, behind[i],
                    ahead[i]);
        }
        if (at != sets.length) {
            throw corrupt("program table");
        }
        return out;
    }

    private static int[] column(ImageInput in, int count) throws IOException {
        int[] a = in.readInts();
        if (a == null || a.length != count) {
            throw corrupt("program table");
        }
        return a;
    }

    /** A column of lengths (-1 for none) and the concatenation it cuts into one array per program. */
    private static int[][] slices(ImageInput in, int count) throws IOException {
        int[] lengths = column(in, count);
        int[] all = in.readInts();
        int[] starts = cut(lengths, all == null ? -1 : all.length);
        int[][] out = new int[count][];
        for (int i = 0; i < count; i++) {
            out[i] = starts[i] < 0 ? null : Arrays.copyOfRange(all, starts[i], starts[i] + lengths[i]);
        }
        return out;
    }

    /** As {@link #slices}, for a byte column. */
    private static byte[][] byteSlices(ImageInput in, int count) throws IOException {
        int[] lengths = column(in, count);
        byte[] all = in.readBytes();
        int[] starts = cut(lengths, all == null ? -1 : all.length);
        byte[][] out = new byte[count][];
        for (int i = 0; i < count; i++) {
            out[i] = starts[i] < 0 ? null : Arrays.copyOfRange(all, starts[i], starts[i] + lengths[i]);
        }
        return out;
    }

    /**
     * Where each slice starts in a concatenation of {@code total} elements (-1 where a program has none), once the
     * lengths are known to cover it exactly; {@code total} -1 means the concatenation is missing.
     */
    private static int[] cut(int[] lengths, int total) throws ImageFormatException {
        if (total < 0) {
            throw corrupt("program table");
        }
        int[] starts = new int[lengths.length];
        int at = 0;
        for (int i = 0; i < lengths.length; i++) {
            int n = lengths[i];
            if (n == -1) {
                starts[i] = -1;
                continue;
            }
            if (n < 0 || n > total - at) {
                throw corrupt("program table");
            }
            starts[i] = at;
            at += n;
        }
        if (at != total) {
            throw corrupt("program table");
        }
        return starts;
    }

    /** A program read from an image, once every byte-set code, jump and auxiliary reference is inside it. */
    private static PartProgram check(int minLength, int maxLength, byte[] straight, int[] codeInts, int[] prog,
                                     int[] aux, long[] sets, int behindReach, int aheadReach)
            throws ImageFormatException {
        if (sets == null || sets.length % 4 != 0 || (straight == null) == (prog == null)
                || (straight == null && codeInts != null)
                || (prog != null && (aux == null || prog.length % 3 != 0 || prog.length == 0))
                || minLength < 0 || behindReach < 0 || aheadReach < 0) {
            throw corrupt("program shape");
        }
        int setCount = sets.length / 4;
        char[] codes = null;
        if (straight != null) {
            if (minLength != straight.length || maxLength != straight.length
                    || (codeInts != null && codeInts.length != straight.length)) {
                throw corrupt("straight program length");
            }
            if (codeInts != null) {
                codes = new char[codeInts.length];
                for (int i = 0; i < codeInts.length; i++) {
                    checkCode(codeInts[i], setCount);
                    if (codeInts[i] > Character.MAX_VALUE
                            || (codeInts[i] < ANY_CODE && (byte) codeInts[i] != straight[i])) {
                        throw corrupt("straight program code");
                    }
                    codes[i] = (char) codeInts[i];
                }
            }
        } else {
            int count = prog.length / 3;
            for (int pc = 0; pc < count; pc++) {
                int op = prog[pc * 3];
                int a = prog[pc * 3 + 1];
                int b = prog[pc * 3 + 2];
                switch (op) {
                    case OP_SET, OP_BEHIND, OP_AHEAD -> checkCode(a, setCount);
                    case OP_SPLIT -> {
                        checkIndex(a, count);
                        checkIndex(b, count);
                    }
                    case OP_JMP -> checkIndex(a, count);
                    case OP_BEHIND_AT, OP_AHEAD_AT -> {
                        checkCode(a, setCount);
                        checkIndex(b, aux.length - 1);
                    }
                    case OP_NOTANY -> {
                        checkIndex(a, aux.length - 1);
                        long end = a + 2L + (long) aux[a] * aux[a + 1];
                        if (aux[a] < 0 || aux[a + 1] < 0 || end > aux.length) {
                            throw corrupt("negated alternation");
                        }
                        for (int i = a + 2; i < end; i++) {
                            checkCode(aux[i], setCount);
                        }
                    }
                    case OP_MATCH -> { }
                    default -> throw corrupt("opcode " + op);
                }
            }
            if (prog[prog.length - 3] != OP_MATCH) {
                throw corrupt("program without an end");
            }
        }
        return new PartProgram(minLength, maxLength, straight, codes, prog, aux, sets, behindReach, aheadReach);
    }

    private static void checkCode(int code, int setCount) throws ImageFormatException {
        if (code < 0 || (code > ANY_CODE && code < SET_BASE) || code - SET_BASE >= setCount) {
            throw corrupt("byte-set code " + code);
        }
    }

    private static void checkIndex(int i, int count) throws ImageFormatException {
        if (i < 0 || i >= count) {
            throw corrupt("reference " + i);
        }
    }

    private static ImageFormatException corrupt(String what) {
        return new ImageFormatException("engine image is corrupt: " + what);
    }

    int instructionCount() {
        return prog == null ? 0 : prog.length / 3;
    }

    static PartProgram compile(Part part) {
        List<PatternNode> nodes = part.nodes();
        boolean simple = true;
        for (PatternNode node : nodes) {
            simple &= node instanceof ByteSet;
        }
        SetPool pool = new SetPool();
        if (simple) {
            int n = nodes.size();
            byte[] bytes = new byte[n];
            char[] codes = null;
            boolean tooManySets = false;
            for (int i = 0; i < n; i++) {
                ByteSet s = (ByteSet) nodes.get(i);
                if (s.isSingleton()) {
                    bytes[i] = (byte) s.singleValue();
                    if (codes != null) {
                        codes[i] = (char) s.singleValue();
                    }
                    continue;
                }
                if (codes == null) {
                    codes = new char[n];
                    for (int j = 0; j < i; j++) {
                        codes[j] = (char) (bytes[j] & 0xff);
                    }
                }
                if (s.isAny()) {
                    codes[i] = (char) ANY_CODE;
                } else {
                    int set = pool.index(s);
                    if (set >= MAX_STRAIGHT_SETS) {
                        tooManySets = true;   // more distinct sets than a char can code: the NFA takes it
                        break;
                    }
                    codes[i] = (char) (SET_BASE + set);
                }
            }
            if (!tooManySets) {
                return new PartProgram(n, n, bytes, codes, null, null, pool.toArray(), 0, 0);
            }
            pool = new SetPool();
        }
        NfaWriter w = new NfaWriter(pool);
        w.emitSequence(nodes);
        w.emit(OP_MATCH, 0, 0);
        return new PartProgram(part.minLength(), part.maxLength(), null, null, w.prog(), w.aux(), pool.toArray(),
                w.behindReach, w.aheadReach);
    }

    private static final long[] NO_SETS = new long[0];

    /** Interns byte sets of one program. */
    static final class SetPool {
        private final List<ByteSet> sets = new ArrayList<>();

        int index(ByteSet s) {
            int i = sets.indexOf(s);
            if (i >= 0) {
                return i;
            }
            sets.add(s);
            return sets.size() - 1;
        }

        long[] toArray() {
            if (sets.isEmpty()) {
                return NO_SETS; // most parts are plain literals: one shared empty array for all of them
            }
            long[] out = new long[sets.size() * 4];
            for (int i = 0; i < sets.size(); i++) {
                ByteSet s = sets.get(i);
                out[i * 4] = s.w0();
                out[i * 4 + 1] = s.w1();
                out[i * 4 + 2] = s.w2();
                out[i * 4 + 3] = s.w3();
            }
            return out;
        }
    }

    private static final class NfaWriter {
        private final SetPool pool;
        private int[] prog = new int[48];
        private int n;
        private int[] aux = new int[8];
        private int auxN;
        int behindReach;
        int aheadReach;

        NfaWriter(SetPool pool) {
            this.pool = pool;
        }

        int emit(int op, int a, int b) {
            if (n + 3 > prog.length) {
                prog = Arrays.copyOf(prog, prog.length * 2);
            }
            int at = n / 3;
            prog[n++] = op;
            prog[n++] = a;
            prog[n++] = b;
            return at;
        }

        int pc() {
            return n / 3;
        }

        void patch(int instr, int slot, int value) {
            prog[instr * 3 + slot] = value;
        }

        void emitSequence(List<PatternNode> nodes) {
            for (PatternNode node : nodes) {
                emitNode(node);
            }
        }

        void emitNode(PatternNode node) {
            switch (node) {
                case ByteSet s -> emit(OP_SET, pool.index(s), 0);
                case AnyBytes r -> {
                    int any = pool.index(ByteSet.ANY);
                    for (int i = 0; i < r.min(); i++) {
                        emit(OP_SET, any, 0);
                    }
                    // Optional bytes: each SPLIT either consumes one more byte or leaves the range.
                    int optional = r.max() - r.min();
                    int[] splits = new int[optional];
                    for (int i = 0; i < optional; i++) {
                        splits[i] = emit(OP_SPLIT, 0, 0);
                        patch(splits[i], 1, pc());
                        emit(OP_SET, any, 0);
                    }
                    for (int s : splits) {
                        patch(s, 2, pc());
                    }
                }
                case LookAround l when !l.adjacent() -> {
                    int at = auxN;
                    ensureAux(2);
                    aux[auxN++] = l.minDistance();
                    aux[auxN++] = l.maxDistance();
                    emit(l.behind() ? OP_BEHIND_AT : OP_AHEAD_AT, pool.index(l.set()), at);
                    if (l.behind()) {
                        behindReach = Math.max(behindReach, l.maxDistance() + 1);
                    } else {
                        aheadReach = Math.max(aheadReach, l.maxDistance() + 1);
                    }
                }
                case LookAround l -> {
                    int set = pool.index(l.set());
                    behindReach = Math.max(behindReach, 1);
                    aheadReach = Math.max(aheadReach, 2); // \r\n
                    if (l.behind()) {
                        emit(OP_BEHIND, set, l.edgeOk() ? 1 : 0);
                    } else {
                        emit(OP_AHEAD, set, (l.edgeOk() ? 1 : 0) | (l.crlfOk() ? 2 : 0));
                    }
                }
                case Alternation alt when alt.negated() -> emitNegated(alt);
                case Alternation alt -> {
                    List<List<PatternNode>> alts = alt.alternatives();
                    List<Integer> jumpsToEnd = new ArrayList<>();
                    for (int i = 0; i < alts.size(); i++) {
                        if (i < alts.size() - 1) {
                            int split = emit(OP_SPLIT, 0, 0);
                            patch(split, 1, pc());
                            emitSequence(alts.get(i));
                            jumpsToEnd.add(emit(OP_JMP, 0, 0));
                            patch(split, 2, pc());
                        } else {
                            emitSequence(alts.get(i));
                        }
                    }
                    for (int j : jumpsToEnd) {
                        patch(j, 1, pc());
                    }
                }
            }
        }

        private void emitNegated(Alternation alt) {
            int len = alt.minLength();
            int count = alt.alternatives().size();
            int at = auxN;
            ensureAux(2 + count * len);
            aux[auxN++] = count;
            aux[auxN++] = len;
            for (List<PatternNode> a : alt.alternatives()) {
                for (PatternNode p : a) {
                    if (!(p instanceof ByteSet s)) {
                        throw new IllegalArgumentException("negated alternatives must be byte sequences");
                    }
                    aux[auxN++] = pool.index(s);
                }
            }
            emit(OP_NOTANY, at, 0);
            int any = pool.index(ByteSet.ANY);
            for (int i = 0; i < len; i++) {
                emit(OP_SET, any, 0);
            }
        }

        private void ensureAux(int more) {
            if (auxN + more > aux.length) {
                aux = Arrays.copyOf(aux, Math.max(aux.length * 2, auxN + more));
            }
        }

        int[] prog() {
            return Arrays.copyOf(prog, n);
        }

        int[] aux() {
            return Arrays.copyOf(aux, auxN);
        }
    }
}
