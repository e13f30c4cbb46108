package dev.vigil.yara.strings;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A hex string, regex or base64 string. Each piece (a string split at long non-greedy jumps is a chain of pieces, as in
 * YARA) is matched per start offset with {@link PikeVm}; the atoms only narrow down which starts to try. A chain is
 * joined piece by piece with the gap bounds; the first tail that joins gives the chain's (shortest) match.
 */
final class PatternString implements CompiledString {

    /** YR_RE_SCAN_LIMIT: how far a piece may extend. */
    static final int SCAN_LIMIT = 4096;

    static final class Piece {
        /** The piece's NFA; null where nothing would run it (see {@link StringCompiler}: plain hex pieces). */
        final Program program;
        /** Bytes a match of the piece can start with, or null when a match may be empty. */
        final long[] firstBytes;
        final int[] atomMin;  // per global atom: distance range from the piece start in characters, or -1 if not ours
        final int[] atomMax;
        final boolean yaraFindsNoAtom;
        final JumpMatcher jumps;  // faster equivalent of the program for plain hex pieces, or null
        int[] atomPlace;          // with jumps: per global atom, run << 16 | index in run (see JumpMatcher.locate)
        Program tail;             // the piece from its atoms' window on (see PatternAtoms.Choice.tailFrom), or null
        boolean[] atomHasTail;    // per global atom: whether a hit of it must be followed by a match of tail
        boolean[] atomIsWide;     // per global atom: a wide atom, whose tail is matched as wide text
        long[] everyPrefix;       // strings without atoms: Program.prefixSets of the piece, or null

        Piece(Program program, long[] firstBytes, JumpMatcher jumps, int[] atomMin, int[] atomMax,
              boolean yaraFindsNoAtom) {
            this.program = program;
            this.firstBytes = firstBytes;
            this.jumps = jumps;
            this.atomMin = atomMin;
            this.atomMax = atomMax;
            this.yaraFindsNoAtom = yaraFindsNoAtom;
        }
    }

    private final String identifier;
    private final Piece[] pieces;
    private final int[] atomPiece;       // which piece each atom belongs to
    private final int[] gapMin;          // gap before piece i (i >= 1)
    private final long[] gapMax;
    private final List<byte[]> atoms;
    private final boolean ascii;
    private final boolean wide;
    private final boolean fullword;
    private final boolean greedy;
    private final int maxBack;
    /** How many leading characters {@link Piece#everyPrefix} describes at most. */
    static final int PREFIX_DEPTH = 8;

    PatternString(String identifier, Piece[] pieces, int[] atomPiece, List<byte[]> atoms, int[] gapMin, long[] gapMax,
                  boolean ascii, boolean wide, boolean fullword, boolean greedy) {
        this.identifier = identifier;
        this.pieces = pieces;
        this.atomPiece = atomPiece;
        this.atoms = Collections.unmodifiableList(new ArrayList<>(atoms));
        this.gapMin = gapMin;
        this.gapMax = gapMax;
        this.ascii = ascii;
        this.wide = wide;
        this.fullword = fullword;
        this.greedy = greedy;
        int back = 0;
        for (Piece p : pieces) {
            for (int m : p.atomMax) {
                back = Math.max(back, m);
            }
        }
        this.maxBack = back + 2;
    }

    @Override
    public String identifier() {
        return identifier;
    }

    @Override
    public List<byte[]> atoms() {
        return atoms;
    }

    @Override
    public int maxBack() {
        return maxBack;
    }

    @Override
    public void firstBytes(long[] out, int at) {
        long[] first = pieces[0].firstBytes;
        if (first == null) {
            CompiledString.super.firstBytes(out, at);
        } else {
            System.arraycopy(first, 0, out, at, 4);
        }
    }

    @Override
    public int startSpan(int atom) {
        if (pieces.length > 1 || atom < 0 || atom >= atomPiece.length) {
            return maxBack + 1; // a chain's match starts where its first piece's does
        }
        Piece p = pieces[0];
        return p.atomMax[atom] - p.atomMin[atom] + 1; // verify tries the starts pos - atomMax .. pos - atomMin
    }

    @Override
    public boolean oneHitFindsMatch() {
        return pieces.length == 1;
    }

    @Override
    public int maxForward() {
        return SCAN_LIMIT + 4;
    }

    /** Programs walked for a hit filter at most this long (compile time; the filter is only an optimisation). */
    private static final int FILTER_PROGRAM_LIMIT = 4096;

    /**
     * Mirrors the checks {@link #verify} makes first, so that a hit failing the filter is one verify would drop: the
     * jump matcher's tail from the atom's run, the tail program from the atom, or, for an atom at one distance from
     * the start of an ascii-only string, the whole piece from that start.
     */
    @Override
    public HitFilter hitFilter(int atom) {
        return hitFilter(atom, new java.util.HashMap<>());
    }

    /** All atoms at once: atoms of one piece share the program walks (case combinations of a regex are many). */
    @Override
    public HitFilter[] hitFilters() {
        java.util.Map<Long, HitFilter.Bytes> walks = new java.util.HashMap<>();
        HitFilter[] all = new HitFilter[atoms.size()];
        for (int a = 0; a < all.length; a++) {
            all[a] = hitFilter(a, walks);
        }
        return all;
    }

    private HitFilter hitFilter(int atom, java.util.Map<Long, HitFilter.Bytes> walks) {
        if (atom < 0 || atom >= atomPiece.length) {
            return null;
        }
        Piece p = pieces[atomPiece[atom]];
        int length = atoms.get(atom).length;
        HitFilter.Bytes fixed = new HitFilter.Bytes();
        if (p.jumps != null && p.atomPlace != null && p.atomPlace[atom] >= 0) {
            int inRun = p.atomPlace[atom] & 0xFFFF;
            p.jumps.fixedFrom(p.atomPlace[atom] >>> 16, -inRun, fixed);
            // verify skips the tail check where the run would start before the buffer
            return fixed.best(length, inRun);
        }
        if (p.tail != null && p.atomHasTail[atom]) {
            return walk(walks, p.tail, (long) atomPiece[atom] << 32 | 1L << 31, 0).best(length, 0);
        }
        if (!wide && p.atomMin[atom] == p.atomMax[atom]) {
            int origin = -p.atomMax[atom];
            return walk(walks, p.program, (long) atomPiece[atom] << 32 | (origin & 0x7FFFFFFFL), origin)
                    .best(length, p.atomMax[atom]);
        }
        return null;
    }

    private static HitFilter.Bytes walk(java.util.Map<Long, HitFilter.Bytes> walks, Program program, long key,
                                        int origin) {
        return walks.computeIfAbsent(key, k -> {
            HitFilter.Bytes b = new HitFilter.Bytes();
            HitFilter.fromProgram(program, origin, b, FILTER_PROGRAM_LIMIT);
            return b;
        });
    }

    boolean isChained() {
        return pieces.length > 1;
    }

    @Override
    public void verify(int atom, byte[] buf, long base, int valid, long size, int pos, StringMatches out) {
        if (out.full()) {
            return;
        }
        int piece = atom >= 0 && atom < atomPiece.length ? atomPiece[atom] : 0;
        Piece p = pieces[piece];
        int lo;
        int hi;
        if (atom < 0 || atom >= atomPiece.length) {
            lo = pos;
            hi = pos;
        } else {
            // Wide atoms carry doubled distances already (see the compiler).
            lo = pos - p.atomMax[atom];
            hi = pos - p.atomMin[atom];
        }
        if (pieces.length > 1 && (out.chain == null || out.chain.size.length != pieces.length)) {
            out.chain = new StringMatches.ChainState(pieces.length);
        }
        // Starts already tried for this atom (the candidate range of one atom moves forward monotonically).
        long already;
        if (atom < 0 || atom >= atomPiece.length) {
            already = pieces.length == 1 ? out.nextStart : out.chain.nextStart[0];
        } else {
            if (out.nextStartByAtom.length != atomPiece.length) {
                out.nextStartByAtom = new long[atomPiece.length];
            }
            already = out.nextStartByAtom[atom];
        }
        long firstAbs = Math.max(Math.max(already, base + lo), Math.max(0, base));
        int dataEnd = (int) Math.min(size - base, Integer.MAX_VALUE);
        int end = Math.min(valid, dataEnd);
        if (p.jumps != null && atom >= 0 && atom < atomPiece.length && p.atomPlace != null
                && p.atomPlace[atom] >= 0) {
            // Cheap test from the atom forward first; a failing hit leaves its starts to later hits.
            int runStart = pos - (p.atomPlace[atom] & 0xFFFF);
            if (runStart >= 0 && !p.jumps.tailMatches(buf, runStart, (int) Math.min(end, (long) runStart + SCAN_LIMIT),
                    out.jumpScratch(), p.atomPlace[atom] >>> 16)) {
                return;
            }
        } else if (p.tail != null && atom >= 0 && atom < atomPiece.length && p.atomHasTail[atom]
                && !out.vm().exists(p.tail, buf, base, pos, (int) Math.min(end, (long) pos + SCAN_LIMIT), dataEnd,
                p.atomIsWide[atom] ? 2 : 1)) {
            // Every match through this hit goes on from the atom with the tail; without one, no start can match
            // (a wide atom stands for wide matches only: the ascii ones contain the ascii atom).
            return;
        }
        // Most starts fail on their first byte: tested here, they cost no call and no matcher setup.
        long[] first = atom < 0 && pieces.length > 1 ? null : p.firstBytes;
        for (long abs = firstAbs; abs <= base + hi; abs++) {
            int s = (int) (abs - base);
            if (s >= end) {
                break;
            }
            if (first != null && (first[(buf[s] & 0xFF) >>> 6] & (1L << buf[s])) == 0) {
                continue;
            }
            if (atom < 0 && pieces.length > 1) {
                for (int k = 0; k < pieces.length; k++) {
                    tryStart(k, pieces[k], buf, base, s, end, dataEnd, out);
                }
            } else {
                tryStart(piece, p, buf, base, s, end, dataEnd, out);
            }
            if (out.full()) {
                return;
            }
        }
        long next = base + hi + 1;
        if (atom < 0 || atom >= atomPiece.length) {
            if (pieces.length == 1) {
                out.nextStart = Math.max(out.nextStart, next);
            } else {
                out.chain.nextStart[0] = Math.max(out.chain.nextStart[0], next);
            }
        } else {
            out.nextStartByAtom[atom] = Math.max(out.nextStartByAtom[atom], next);
        }
    }

    @Override
    public StartFilter startFilter() {
        long[] prefix = pieces.length == 1 ? pieces[0].everyPrefix : null;
        return prefix == null || prefix.length == 0 ? null : new StartFilter(prefix, ascii, wide);
    }

    @Override
    public void verifyStarts(byte[] buf, long base, int valid, long size, int[] starts, int n, int to,
                             StringMatches out, boolean firstOnly) {
        if (out.full()) {
            return;
        }
        int dataEnd = (int) Math.min(size - base, Integer.MAX_VALUE);
        int end = Math.min(valid, dataEnd);
        long first = Math.max(out.nextStart, Math.max(0, base));
        Piece p = pieces[0];
        for (int i = 0; i < n; i++) {
            int s = starts[i];
            if (base + s < first || s >= end) {
                continue;
            }
            tryStart(0, p, buf, base, s, end, dataEnd, out);
            if (out.full() || firstOnly && out.count() > 0) {
                break;
            }
        }
        out.nextStart = Math.max(out.nextStart, base + to);
    }

    private void tryStart(int pieceIndex, Piece p, byte[] buf, long base, int s, int end, int dataEnd,
                          StringMatches out) {
        long[] first = p.firstBytes;
        if (first != null && (first[(buf[s] & 0xFF) >>> 6] & (1L << buf[s])) == 0) {
            return; // no match can start with this byte (ascii or wide alike)
        }
        // A fullword match cannot follow a word character, whatever its length: such starts are not run at all
        // (in a long run of word characters only its first start is then run, not every one).
        if (ascii && p.jumps != null) {
            if (!fullword || !wordBefore(buf, base, s, false)) {
                int limit = (int) Math.min(end, (long) s + SCAN_LIMIT);
                int len = p.jumps.match(buf, s, limit, out.jumpScratch());
                if (len >= 0 && (!fullword || fullwordOk(buf, base, s, len, dataEnd, false))) {
                    found(pieceIndex, base + s, len, out);
                }
            }
        } else if (ascii) {
            if (!fullword || !wordBefore(buf, base, s, false)) {
                int limit = (int) Math.min(end, (long) s + SCAN_LIMIT);
                int len = out.vm().runMemo(p.program, buf, base, s, limit, dataEnd);
                if (len >= 0 && (!fullword || fullwordOk(buf, base, s, len, dataEnd, false))) {
                    found(pieceIndex, base + s, len, out);
                }
            }
        }
        // YARA 4.5.2 checks the word boundary of a wide match as ASCII when the pattern has no atom
        // (so no backward code), see research §2.4 item 15; the oracle is 4.5.2, so this is reproduced.
        boolean wideCheck = !p.yaraFindsNoAtom;
        if (wide && (!fullword || !wordBefore(buf, base, s, wideCheck))) {
            int limit = (int) Math.min(end, (long) s + SCAN_LIMIT);
            int len = out.vm().runMemo(p.program, buf, base, s, limit, dataEnd, 2);
            if (len >= 0 && (!fullword || fullwordOk(buf, base, s, len, dataEnd, wideCheck))) {
                found(pieceIndex, base + s, len, out);
            }
        }
    }

    static boolean fullwordOk(byte[] buf, long base, int s, int len, int dataEnd, boolean wide) {
        if (wordBefore(buf, base, s, wide)) {
            return false;
        }
        int e = s + len;
        if (wide) {
            return !(e + 1 < dataEnd && e + 1 < buf.length && buf[e + 1] == 0 && RegexParser.isAlnum(buf[e] & 0xFF));
        }
        return !(e < dataEnd && e < buf.length && RegexParser.isAlnum(buf[e] & 0xFF));
    }

    /** Whether a word character (wide: one followed by a zero byte) comes right before a match starting at s. */
    static boolean wordBefore(byte[] buf, long base, int s, boolean wide) {
        if (wide) {
            return base + s >= 2 && s >= 2 && buf[s - 1] == 0 && RegexParser.isAlnum(buf[s - 2] & 0xFF);
        }
        return base + s >= 1 && s >= 1 && RegexParser.isAlnum(buf[s - 1] & 0xFF);
    }

    private void found(int piece, long start, int len, StringMatches out) {
        if (pieces.length == 1) {
            out.add(start, len, 0, greedy);
            return;
        }
        StringMatches.ChainState chain = out.chain;
        long end = start + len;
        if (piece == 0) {
            chain.add(0, start, end);
            return;
        }
        int prev = piece - 1;
        boolean last = piece == pieces.length - 1;
        long[] starts = chain.chainStart[prev];
        long[] ends = chain.pieceEnd[prev];
        int kept = 0;
        int n = chain.size[prev];
        for (int i = 0; i < n; i++) {
            long gap = start - ends[i];
            boolean keep = true;
            if (gap > gapMax[piece]) {
                // too far behind: later pieces start even further away
                keep = false;
            } else if (gap >= gapMin[piece]) {
                if (last) {
                    out.add(starts[i], (int) Math.min(end - starts[i], Integer.MAX_VALUE), 0, false);
                    // the first tail that joins gives the match; the entry is done
                    keep = false;
                } else {
                    chain.add(piece, starts[i], end);
                }
            }
            if (keep) {
                starts[kept] = starts[i];
                ends[kept] = ends[i];
                kept++;
            }
        }
        chain.size[prev] = kept;
    }
}
