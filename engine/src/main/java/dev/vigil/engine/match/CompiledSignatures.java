package dev.vigil.engine.match;

import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.filetype.FileTypeDetector;
import dev.vigil.engine.filetype.MagicRule;
import dev.vigil.engine.hash.HashTables;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.LogicalSignature;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.SubSignature;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * All signatures of an engine in compiled, immutable form: hash tables, one atom index over every part of every
 * body pattern and logical subsignature, the part verifiers, and the tables that route a verified match to its
 * signature. {@link Scan} holds the per-scan state.
 */
public final class CompiledSignatures {
    final HashTables hashes;
    final FileTypeDetector detector;

    // Patterns: one per body signature and per variant of each content subsignature.
    final int[] patFirstPart;
    final int[] patPartCount;
    /** >= 0: body signature index; < 0: -(subsignature slot + 1). */
    final int[] patOwner;
    final int[] patTarget;
    /** Null entries mean "anywhere". */
    final OffsetSpec[] patOffset;

    // Parts.
    final PartProgram[] partProgram;
    final int[] partPattern;
    final int[] partIndex;
    final long[] partGapMin;   // gap before this part (from the previous part's end)
    final long[] partGapMax;   // Gap.UNBOUNDED for none
    /** Chain-state slot of each non-final part of a multi-part pattern, or -1. */
    final int[] partChainSlot;
    final int chainSlots;

    // Atom records: which part, and how far before the atom the part may start.
    final int[] recPart;
    final int[] recPrefixMin;
    final int[] recPrefixMax;
    final AtomIndex atoms;
    /** Parts without a usable atom, anchored by an absolute offset instead: verified at each allowed start. */
    final int[] offsetAnchoredParts;
    final int maxBack;
    final int maxForward;
    /** Patterns whose {@code SEx} window shrinks to the section start on large files (ClamAV's Boyer-Moore mode). */
    final long[] sectionStartOnLargeFiles;
    /** ClamAV's {@code CLI_DEFAULT_BM_OFFMODE_FSIZE}. */
    static final long BM_OFFSET_MODE_SIZE = 262_144;

    final String[] bodyNames;

    // Logical signatures: subsignature i of signature l has slot lsigSlotBase[l] + i.
    final LogicalSignature[] lsigs;
    final int[] lsigSlotBase;
    final int[] slotLsig;
    final int slotCount;
    /** Signatures worth evaluating even when none of their content subsignatures matched. */
    final int[] lsigAlwaysEvaluate;
    /** Longest target-7 part: ClamAV's normalised-text windows overlap by this much. */
    final int maxTextPatternLength;

    final List<String> warnings;

    /** Sources of patterns verified by their own language, and where their atom records start. */
    final ExternalPatterns[] externals;
    /** Atom records from this id on belong to external patterns, in source order ({@link #externalRecordBase}). */
    final int[] externalRecordBase;
    final int firstExternalRecord;
    final boolean externalEveryOffset;

    private CompiledSignatures(Builder b) {
        this.hashes = b.hashes;
        this.detector = b.detector;
        this.patFirstPart = b.patFirstPart.toArray();
        this.patPartCount = b.patPartCount.toArray();
        this.patOwner = b.patOwner.toArray();
        this.patTarget = b.patTarget.toArray();
        this.patOffset = b.patOffset.toArray(new OffsetSpec[0]);
        this.partProgram = b.partProgram.toArray(new PartProgram[0]);
        this.partPattern = b.partPattern.toArray();
        this.partIndex = b.partIndex.toArray();
        this.partGapMin = b.partGapMin.toArray();
        this.partGapMax = b.partGapMax.toArray();
        this.partChainSlot = b.partChainSlot.toArray();
        this.chainSlots = b.chainSlots;
        this.recPart = b.recPart.toArray();
        this.recPrefixMin = b.recPrefixMin.toArray();
        this.recPrefixMax = b.recPrefixMax.toArray();
        this.atoms = b.atomBuilder.build();
        this.offsetAnchoredParts = b.offsetAnchored.toArray();
        this.maxBack = b.maxBack;
        this.maxForward = b.maxForward;
        this.sectionStartOnLargeFiles = new long[(patOwner.length + 63) >>> 6];
        for (int p : b.sectionStartOnLargeFiles.toArray()) {
            sectionStartOnLargeFiles[p >>> 6] |= 1L << p;
        }
        this.bodyNames = b.bodyNames;
        this.lsigs = b.lsigs;
        this.lsigSlotBase = b.lsigSlotBase;
        this.slotLsig = b.slotLsig;
        this.slotCount = b.slotCount;
        this.lsigAlwaysEvaluate = b.alwaysEvaluate.toArray();
        this.maxTextPatternLength = b.maxTextPatternLength;
        this.warnings = List.copyOf(b.warnings);
        this.externals = b.externals;
        this.externalRecordBase = b.externalRecordBase;
        this.firstExternalRecord = b.externalRecordBase.length == 0 ? Integer.MAX_VALUE : b.externalRecordBase[0];
        boolean every = false;
        for (ExternalPatterns e : externals) {
            every |= e.needsEveryOffset();
        }
        this.externalEveryOffset = every;
    }

    public static CompiledSignatures compile(HashTables hashes, List<BodySignature> bodies,
                                             List<LogicalSignature> logicals, List<MagicRule> magic) {
        return compile(hashes, bodies, logicals, magic, List.of());
    }

    public static CompiledSignatures compile(HashTables hashes, List<BodySignature> bodies,
                                             List<LogicalSignature> logicals, List<MagicRule> magic,
                                             List<ExternalPatterns> externals) {
        Builder b = new Builder(hashes, FileTypeDetector.withDefaults(magic));
        b.addBodies(bodies);
        b.addLogicals(logicals);
        b.assignAtoms();
        b.addExternals(externals);
        return new CompiledSignatures(b);
    }

    /** Patterns the compiler had to leave out (each with its reason); empty when everything compiled. */
    public List<String> warnings() {
        return warnings;
    }

    public ScanResult scan(ScanInput input, ScanOptions options) throws IOException {
        return new Scan(this, input, options).run();
    }

    private static final class Builder {
        final HashTables hashes;
        final FileTypeDetector detector;
        final IntList patFirstPart = new IntList();
        final IntList patPartCount = new IntList();
        final IntList patOwner = new IntList();
        final IntList patTarget = new IntList();
        final List<OffsetSpec> patOffset = new ArrayList<>();
        final List<PartProgram> partProgram = new ArrayList<>();
        final IntList partPattern = new IntList();
        final IntList partIndex = new IntList();
        final LongList partGapMin = new LongList();
        final LongList partGapMax = new LongList();
        final IntList partChainSlot = new IntList();
        int chainSlots;
        final IntList recPart = new IntList();
        final IntList recPrefixMin = new IntList();
        final IntList recPrefixMax = new IntList();
        final AtomIndex.Builder atomBuilder = new AtomIndex.Builder();
        final IntList offsetAnchored = new IntList();
        final IntList sectionStartOnLargeFiles = new IntList();
        int maxBack = 1;
        int maxForward = 8;
        String[] bodyNames = new String[0];
        LogicalSignature[] lsigs = new LogicalSignature[0];
        int[] lsigSlotBase = new int[0];
        int[] slotLsig = new int[0];
        int slotCount;
        final IntList alwaysEvaluate = new IntList();
        int maxTextPatternLength;
        final List<String> warnings = new ArrayList<>();

        Builder(HashTables hashes, FileTypeDetector detector) {
            this.hashes = hashes;
            this.detector = detector;
        }

        void addBodies(List<BodySignature> bodies) {
            bodyNames = new String[bodies.size()];
            for (int i = 0; i < bodies.size(); i++) {
                BodySignature s = bodies.get(i);
                bodyNames[i] = s.name();
                int pat = patOwner.size();
                addPattern(s.pattern(), i, s.target(), s.offset(), s.name());
                if (boyerMooreSectionOffset(s) && patOwner.size() > pat) {
                    sectionStartOnLargeFiles.add(pat);
                }
            }
        }

        /**
         * ClamAV sends a plain literal body signature of the PE target with a fixed offset (no {@code *}, no shift)
         * to its Boyer-Moore matcher. For files of {@link #BM_OFFSET_MODE_SIZE} bytes or more that matcher accepts a
         * relative offset only when the match starts exactly at the offset's lowest value: for {@code SEx} that
         * means "at the start of section x", not "anywhere in it" (ClamAV's own unit tests keep two such
         * signatures as known non-matching on their 1.4 MB test program).
         */
        private static boolean boyerMooreSectionOffset(BodySignature s) {
            return s.target() == 1 && s.offset() instanceof OffsetSpec.InSection in && in.shift() == 0
                    && s.pattern().parts().size() == 1 && s.pattern().parts().get(0).nodes().size() >= 3
                    && s.pattern().parts().get(0).nodes().stream()
                            .allMatch(n -> n instanceof ByteSet b && b.isSingleton());
        }

        void addLogicals(List<LogicalSignature> logicals) {
            lsigs = logicals.toArray(new LogicalSignature[0]);
            lsigSlotBase = new int[lsigs.length];
            int slots = 0;
            for (int l = 0; l < lsigs.length; l++) {
                lsigSlotBase[l] = slots;
                slots += lsigs[l].subsignatures().size();
            }
            slotCount = slots;
            slotLsig = new int[slots];
            for (int l = 0; l < lsigs.length; l++) {
                LogicalSignature sig = lsigs[l];
                List<SubSignature> subs = sig.subsignatures();
                boolean hasPost = false;
                for (int k = 0; k < subs.size(); k++) {
                    int slot = lsigSlotBase[l] + k;
                    slotLsig[slot] = l;
                    if (subs.get(k) instanceof SubSignature.Content c) {
                        for (BodyPattern v : c.variants()) {
                            addPattern(v, -(slot + 1), sig.target().target(), c.offset(), sig.name());
                        }
                    } else {
                        hasPost = true;
                    }
                }
                if (hasPost || sig.expression().evaluate(new int[subs.size()])) {
                    alwaysEvaluate.add(l);
                }
            }
        }

        void addPattern(BodyPattern pattern, int owner, int target, OffsetSpec offset, String name) {
            List<Part> parts = pattern.parts();
            List<List<Atoms.Choice>> choices = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                List<Atoms.Choice> c = Atoms.candidates(parts.get(i), ATOM_CANDIDATES);
                if (c.isEmpty() && !(i == 0 && offset instanceof OffsetSpec.Absolute)) {
                    warnings.add(name + ": part " + i + " has no literal bytes to anchor on; pattern left out");
                    return;
                }
                choices.add(c);
            }
            int pat = patOwner.size();
            int firstPart = partProgram.size();
            patFirstPart.add(firstPart);
            patPartCount.add(parts.size());
            patOwner.add(owner);
            patTarget.add(target);
            patOffset.add(offset instanceof OffsetSpec.Any ? null : offset);
            for (int i = 0; i < parts.size(); i++) {
                Part part = parts.get(i);
                PartProgram prog = PartProgram.compile(part);
                int partId = partProgram.size();
                partProgram.add(prog);
                partPattern.add(pat);
                partIndex.add(i);
                Gap gap = i == 0 ? null : pattern.gaps().get(i - 1);
                partGapMin.add(gap == null ? 0 : gap.min());
                partGapMax.add(gap == null ? 0 : gap.max());
                partChainSlot.add(parts.size() > 1 && i < parts.size() - 1 ? chainSlots++ : -1);
                maxForward = Math.max(maxForward, prog.maxLength + 4 + prog.aheadReach);
                if (target == 7) {
                    maxTextPatternLength = Math.max(maxTextPatternLength, prog.maxLength);
                }
                List<Atoms.Choice> c = choices.get(i);
                if (c.isEmpty()) {
                    offsetAnchored.add(partId);
                    continue;
                }
                pendingPart.add(partId);
                pendingChoices.add(c);
                pendingBehind.add(prog.behindReach);
            }
        }

        /** Atom candidates kept per part; the compiler picks among them once it knows every pattern's atoms. */
        static final int ATOM_CANDIDATES = 6;
        /** An atom shared by more parts than this makes each of its occurrences verify them all: spread them out. */
        static final int CROWDED = 16;

        final IntList pendingPart = new IntList();
        final List<List<Atoms.Choice>> pendingChoices = new ArrayList<>();
        final IntList pendingBehind = new IntList();

        /**
         * Chooses one atom per part. Each part starts with its most selective candidate; a part whose atom is shared
         * by more than {@link #CROWDED} others (x86 idioms such as {@code 85 c0 0f 84}, common strings) moves to the
         * candidate that trades the least selectivity for the least crowding, since every occurrence of an atom
         * costs one verification per part that shares it.
         */
        void assignAtoms() {
            int n = pendingPart.size();
            int[] pick = new int[n];
            java.util.HashMap<Long, Integer> crowd = new java.util.HashMap<>();
            for (int i = 0; i < n; i++) {
                count(crowd, pendingChoices.get(i).get(0), 1);
            }
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < n; i++) {
                    List<Atoms.Choice> cs = pendingChoices.get(i);
                    Atoms.Choice cur = cs.get(pick[i]);
                    int curCrowd = crowdOf(crowd, cur);
                    if (cs.size() == 1 || curCrowd <= CROWDED) {
                        continue;
                    }
                    int best = pick[i];
                    double bestCost = cost(cur, curCrowd);
                    for (int j = 0; j < cs.size(); j++) {
                        // A shorter atom fires far more often than any crowding costs: only same-length moves.
                        if (j != pick[i] && cs.get(j).length() >= cs.get(0).length()) {
                            double c = cost(cs.get(j), crowdOf(crowd, cs.get(j)) + 1);
                            if (c > bestCost) {
                                best = j;
                                bestCost = c;
                            }
                        }
                    }
                    if (best != pick[i]) {
                        count(crowd, cur, -1);
                        count(crowd, cs.get(best), 1);
                        pick[i] = best;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                Atoms.Choice c = pendingChoices.get(i).get(pick[i]);
                int partId = pendingPart.get(i);
                maxBack = Math.max(maxBack, c.prefixMax() + 2 + pendingBehind.get(i));
                int rec = recPart.size();
                recPart.add(partId);
                recPrefixMin.add(c.prefixMin());
                recPrefixMax.add(c.prefixMax());
                for (int v : c.values()) {
                    atomBuilder.add(c.length(), v, rec);
                }
            }
            pendingChoices.clear();
        }

        ExternalPatterns[] externals = new ExternalPatterns[0];
        int[] externalRecordBase = new int[0];

        /** Appends each external source's atoms as records after every part record; record id - base = atom index. */
        void addExternals(List<ExternalPatterns> list) {
            externals = list.toArray(new ExternalPatterns[0]);
            externalRecordBase = new int[externals.length];
            int rec = recPart.size();
            for (int e = 0; e < externals.length; e++) {
                ExternalPatterns x = externals[e];
                externalRecordBase[e] = rec;
                List<byte[]> atoms = x.atoms();
                for (byte[] a : atoms) {
                    if (a.length < 1 || a.length > 4) {
                        throw new IllegalArgumentException("an atom has 1 to 4 bytes, not " + a.length);
                    }
                    int v = 0;
                    for (int i = 0; i < a.length; i++) {
                        v |= (a[i] & 0xff) << (8 * i);
                    }
                    atomBuilder.add(a.length, v, rec++);
                }
                maxBack = Math.max(maxBack, x.maxBack() + 1);
                maxForward = Math.max(maxForward, x.maxForward() + 8);
            }
        }

        private static double cost(Atoms.Choice c, int crowd) {
            return c.score() - 4 * (Math.log(Math.max(1, crowd)) / Math.log(2));
        }

        private static long atomKey(Atoms.Choice c, int value) {
            return ((long) c.length() << 32) | (value & 0xffffffffL);
        }

        private static int crowdOf(java.util.HashMap<Long, Integer> crowd, Atoms.Choice c) {
            int m = 0;
            for (int v : c.values()) {
                m = Math.max(m, crowd.getOrDefault(atomKey(c, v), 0));
            }
            return m;
        }

        private static void count(java.util.HashMap<Long, Integer> crowd, Atoms.Choice c, int delta) {
            for (int v : c.values()) {
                crowd.merge(atomKey(c, v), delta, Integer::sum);
            }
        }
    }

    /** A growable int array (compile time only). */
    static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int size() {
            return n;
        }

        int get(int i) {
            return a[i];
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }

    static final class LongList {
        private long[] a = new long[16];
        private int n;

        void add(long v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        long[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
