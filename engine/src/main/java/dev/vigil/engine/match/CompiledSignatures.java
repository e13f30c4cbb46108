package dev.vigil.engine.match;

import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.filetype.FileTypeDetector;
import dev.vigil.engine.filetype.MagicRule;
import dev.vigil.engine.hash.HashTables;
import dev.vigil.engine.image.ImageDecoder;
import dev.vigil.engine.image.ImageEncodable;
import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.engine.ir.ByteSet;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.LogicExpression;
import dev.vigil.engine.ir.LogicalSignature;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.Part;
import dev.vigil.engine.ir.SubSignature;
import dev.vigil.engine.ir.TargetDescription;

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
    /**
     * The external atoms' {@link dev.vigil.engine.ir.AtomFilter}s, three longs per record from
     * {@link #firstExternalRecord} on (mask 0: none); null when no source has any.
     */
    final long[] externalAtomFilters;
    final boolean externalEveryOffset;

    private CompiledSignatures(HashTables hashes, FileTypeDetector detector, Section p, Compiler c) {
        this.hashes = hashes;
        this.detector = detector;
        this.patFirstPart = p.patFirstPart.take();
        this.patPartCount = p.patPartCount.take();
        this.patOwner = p.patOwner.take();
        this.patTarget = p.patTarget.take();
        this.patOffset = p.patOffset.toArray(new OffsetSpec[0]);
        this.partProgram = p.partProgram.toArray(new PartProgram[0]);
        this.partPattern = p.partPattern.take();
        this.partIndex = p.partIndex.take();
        this.partGapMin = p.partGapMin.take();
        this.partGapMax = p.partGapMax.take();
        this.partChainSlot = p.partChainSlot.take();
        this.chainSlots = p.chainSlots;
        this.recPart = p.recPart.take();
        this.recPrefixMin = p.recPrefixMin.take();
        this.recPrefixMax = p.recPrefixMax.take();
        this.atoms = p.atomBuilder.build();
        this.offsetAnchoredParts = p.offsetAnchored.take();
        this.maxBack = p.maxBack;
        this.maxForward = p.maxForward;
        this.sectionStartOnLargeFiles = new long[(patOwner.length + 63) >>> 6];
        for (int pat : p.sectionStartOnLargeFiles.toArray()) {
            sectionStartOnLargeFiles[pat >>> 6] |= 1L << pat;
        }
        this.bodyNames = c.bodyNames.toArray(new String[0]);
        this.lsigs = c.lsigs.toArray(new LogicalSignature[0]);
        this.lsigSlotBase = c.lsigSlotBase.take();
        this.slotLsig = c.slotLsig.toArray();
        this.slotCount = c.slotLsig.size();
        this.lsigAlwaysEvaluate = c.alwaysEvaluate.take();
        this.maxTextPatternLength = p.maxTextPatternLength;
        this.warnings = List.copyOf(p.warnings);
        this.externals = p.externals;
        this.externalRecordBase = p.externalRecordBase;
        this.firstExternalRecord = p.externalRecordBase.length == 0 ? Integer.MAX_VALUE : p.externalRecordBase[0];
        this.externalAtomFilters = p.externalAtomFilters;
        boolean every = false;
        for (ExternalPatterns e : externals) {
            every |= e.needsEveryOffset();
        }
        this.externalEveryOffset = every;
    }

    /** Whether {@link #writeTo} can store these signatures: patterns verified by another language (YARA) cannot. */
    public boolean imageable() {
        return externals.length == 0;
    }

    /**
     * Writes everything the scan uses, in the order {@link #readFrom} reads it. Logical expressions and
     * post-processing subsignatures are reader-owned objects and must be {@link ImageEncodable}.
     */
    public void writeTo(ImageOutput out) throws IOException {
        if (!imageable()) {
            throw new IllegalArgumentException("an engine with YARA rules cannot be stored as an image");
        }
        hashes.writeTo(out);
        List<MagicRule> magic = detector.databaseRules();
        out.writeInt(magic.size());
        for (MagicRule r : magic) {
            out.writeInt(r.kind());
            out.writeLong(r.offset());
            out.writeBytes(r.magic());
            out.writeBoolean(r.pattern() != null);
            if (r.pattern() != null) {
                out.writePattern(r.pattern());
            }
            out.writeString(r.description());
            out.writeString(r.requiredType() == null ? null : r.requiredType().name());
            out.writeString(r.type() == null ? null : r.type().name());
            out.writeOffset(r.placement());
        }
        out.writeInts(patFirstPart);
        out.writeInts(patPartCount);
        out.writeInts(patOwner);
        out.writeInts(patTarget);
        for (OffsetSpec o : patOffset) {
            out.writeOffset(o);
        }
        out.writeInt(partProgram.length);
        PartProgram.writeAll(out, partProgram);
        out.writeInts(partPattern);
        out.writeInts(partIndex);
        out.writeLongs(partGapMin);
        out.writeLongs(partGapMax);
        out.writeInts(partChainSlot);
        out.writeInt(chainSlots);
        out.writeInts(recPart);
        out.writeInts(recPrefixMin);
        out.writeInts(recPrefixMax);
        atoms.writeTo(out);
        out.writeInts(offsetAnchoredParts);
        out.writeInt(maxBack);
        out.writeInt(maxForward);
        out.writeLongs(sectionStartOnLargeFiles);
        out.writeStrings(Arrays.asList(bodyNames));
        out.writeInt(lsigs.length);
        for (LogicalSignature l : lsigs) {
            out.writeString(l.name());
            out.writeTarget(l.target());
            out.writeEncodable(l.expression());
            out.writeInt(l.subsignatures().size());
            for (SubSignature sub : l.subsignatures()) {
                if (sub instanceof SubSignature.Post post) {
                    out.writeBoolean(true);
                    out.writeEncodable(post);
                } else {
                    out.writeBoolean(false); // content: compiled into the tables above
                }
            }
        }
        out.writeInts(lsigSlotBase);
        out.writeInts(slotLsig);
        out.writeInts(lsigAlwaysEvaluate);
        out.writeInt(maxTextPatternLength);
        out.writeStrings(warnings);
    }

    /** Reads what {@link #writeTo} wrote; reader-owned objects are parsed again by {@code decoder}. */
    public static CompiledSignatures readFrom(ImageInput in, ImageDecoder decoder) throws IOException {
        return new CompiledSignatures(in, decoder);
    }

    private CompiledSignatures(ImageInput in, ImageDecoder decoder) throws IOException {
        this.hashes = HashTables.readFrom(in);
        int magicCount = in.readCount(16);
        List<MagicRule> magic = new ArrayList<>(magicCount);
        for (int i = 0; i < magicCount; i++) {
            int kind = in.readInt();
            long offset = in.readLong();
            byte[] bytes = in.readBytes();
            BodyPattern pattern = in.readBoolean() ? in.readPattern() : null;
            String description = in.readString();
            String required = in.readString();
            String type = in.readString();
            OffsetSpec placement = in.readOffset();
            magic.add(new MagicRule(kind, offset, bytes, pattern, description,
                    required == null ? null : FileType.of(required), type == null ? null : FileType.of(type),
                    placement));
        }
        this.detector = FileTypeDetector.withDefaults(magic);
        this.patFirstPart = ints(in);
        int patterns = patFirstPart.length;
        this.patPartCount = ints(in, patterns);
        this.patOwner = ints(in, patterns);
        this.patTarget = ints(in, patterns);
        this.patOffset = new OffsetSpec[patterns];
        for (int i = 0; i < patterns; i++) {
            patOffset[i] = in.readOffset();
        }
        int parts = in.readCount(16);
        this.partProgram = PartProgram.readAll(in, parts);
        this.partPattern = ints(in, parts);
        this.partIndex = ints(in, parts);
        this.partGapMin = longs(in, parts);
        this.partGapMax = longs(in, parts);
        this.partChainSlot = ints(in, parts);
        this.chainSlots = in.readInt();
        this.recPart = ints(in);
        int records = recPart.length;
        this.recPrefixMin = ints(in, records);
        this.recPrefixMax = ints(in, records);
        this.atoms = AtomIndex.readFrom(in, records);
        this.offsetAnchoredParts = ints(in);
        this.maxBack = in.readInt();
        this.maxForward = in.readInt();
        this.sectionStartOnLargeFiles = longs(in, (patterns + 63) >>> 6);
        this.bodyNames = in.readStrings().toArray(new String[0]);
        int lsigCount = in.readCount(16);
        this.lsigs = new LogicalSignature[lsigCount];
        for (int l = 0; l < lsigCount; l++) {
            lsigs[l] = readLogicalSignature(in, decoder, l);
        }
        this.lsigSlotBase = ints(in, lsigCount);
        this.slotLsig = ints(in);
        this.slotCount = slotLsig.length;
        this.lsigAlwaysEvaluate = ints(in);
        this.maxTextPatternLength = in.readInt();
        this.warnings = List.copyOf(in.readStrings());
        this.externals = new ExternalPatterns[0];
        this.externalRecordBase = new int[0];
        this.firstExternalRecord = Integer.MAX_VALUE;
        this.externalAtomFilters = null;
        this.externalEveryOffset = false;
        checkConsistency();
    }

    /** One logical signature; a method of its own so that the JIT compiles it apart from the constructor's loops. */
    private static LogicalSignature readLogicalSignature(ImageInput in, ImageDecoder decoder, int l)
            throws IOException {
        String name = in.readString();
        TargetDescription target = in.readTarget();
        Object expression = in.readEncodable(decoder, -1, target.target());
        int subCount = in.readCount(1);
        List<SubSignature> subs = new ArrayList<>(subCount);
        for (int k = 0; k < subCount; k++) {
            if (in.readBoolean()) {
                if (!(in.readEncodable(decoder, k, target.target()) instanceof SubSignature.Post post)) {
                    throw corrupt("subsignature decoder returned the wrong kind");
                }
                subs.add(post);
            } else {
                subs.add(Compiler.COMPILED_CONTENT);
            }
        }
        if (!(expression instanceof LogicExpression e) || name == null || e.maxSubsignature() >= subCount) {
            throw corrupt("logical signature " + l);
        }
        return new LogicalSignature(name, target, e, subs);
    }

    private static int[] ints(ImageInput in) throws IOException {
        int[] a = in.readInts();
        if (a == null) {
            throw corrupt("missing table");
        }
        return a;
    }

    private static int[] ints(ImageInput in, int length) throws IOException {
        int[] a = ints(in);
        if (a.length != length) {
            throw corrupt("table length");
        }
        return a;
    }

    private static long[] longs(ImageInput in, int length) throws IOException {
        long[] a = in.readLongs();
        if (a == null || a.length != length) {
            throw corrupt("table length");
        }
        return a;
    }

    private static ImageFormatException corrupt(String what) {
        return new ImageFormatException("engine image is corrupt: " + what);
    }

    /** Every cross-table reference of an image must land inside its table, or a scan could fail half-way. */
    private void checkConsistency() throws ImageFormatException {
        int patterns = patFirstPart.length;
        int parts = partProgram.length;
        for (int p = 0; p < patterns; p++) {
            long end = (long) patFirstPart[p] + patPartCount[p];
            int owner = patOwner[p];
            if (patFirstPart[p] < 0 || patPartCount[p] < 1 || end > parts
                    || (owner >= 0 ? owner >= bodyNames.length : -(owner + 1) >= slotCount)) {
                throw corrupt("pattern " + p);
            }
        }
        for (int q = 0; q < parts; q++) {
            int p = partPattern[q];
            if (p < 0 || p >= patterns || partIndex[q] < 0 || partIndex[q] >= patPartCount[p]
                    || partChainSlot[q] < -1 || partChainSlot[q] >= chainSlots) {
                throw corrupt("part " + q);
            }
        }
        for (int r = 0; r < recPart.length; r++) {
            if (recPart[r] < 0 || recPart[r] >= parts || recPrefixMin[r] < 0 || recPrefixMax[r] < recPrefixMin[r]) {
                throw corrupt("atom record " + r);
            }
        }
        for (int q : offsetAnchoredParts) {
            if (q < 0 || q >= parts) {
                throw corrupt("offset-anchored part");
            }
        }
        for (int l = 0; l < lsigs.length; l++) {
            if (lsigSlotBase[l] < 0 || (long) lsigSlotBase[l] + lsigs[l].subsignatures().size() > slotCount) {
                throw corrupt("logical signature slots");
            }
        }
        for (int l : slotLsig) {
            if (l < 0 || l >= lsigs.length) {
                throw corrupt("slot owner");
            }
        }
        for (int l : lsigAlwaysEvaluate) {
            if (l < 0 || l >= lsigs.length) {
                throw corrupt("always-evaluated signature");
            }
        }
        if (chainSlots < 0 || maxBack < 0 || maxForward < 0 || maxTextPatternLength < 0) {
            throw corrupt("limits");
        }
    }

    public static CompiledSignatures compile(HashTables hashes, List<BodySignature> bodies,
                                             List<LogicalSignature> logicals, List<MagicRule> magic) {
        return compile(hashes, bodies, logicals, magic, List.of());
    }

    public static CompiledSignatures compile(HashTables hashes, List<BodySignature> bodies,
                                             List<LogicalSignature> logicals, List<MagicRule> magic,
                                             List<ExternalPatterns> externals) {
        Compiler c = new Compiler();
        for (BodySignature s : bodies) {
            c.add(s);
        }
        for (LogicalSignature s : logicals) {
            c.add(s);
        }
        return c.build(hashes, magic, externals);
    }

    /** Patterns the compiler had to leave out (each with its reason); empty when everything compiled. */
    public List<String> warnings() {
        return warnings;
    }

    public ScanResult scan(ScanInput input, ScanOptions options) throws IOException {
        return new Scan(this, input, options).run();
    }

    /**
     * Compiles signatures as they are added, so that a loader's IR objects can be dropped one by one instead of
     * living until the whole database is read: each body pattern and content subsignature variant becomes its part
     * programs and atom candidates at once. Only the atom choice waits for {@link #build}, since it weighs every
     * pattern's atoms against the others'. Body signatures and logical signatures are numbered in two sections
     * (bodies first), whatever order they arrive in.
     */
    public static final class Compiler {
        /** One store of atom candidates for both sections, so that joining them copies none. */
        private AtomCandidates candidates = new AtomCandidates();
        private Section bodies = new Section(candidates);
        private Section logical = new Section(candidates);
        private List<String> bodyNames = new ArrayList<>();
        private List<LogicalSignature> lsigs = new ArrayList<>();
        private IntList lsigSlotBase = new IntList();
        private IntList slotLsig = new IntList();
        private IntList alwaysEvaluate = new IntList();
        private boolean built;

        public void add(BodySignature s) {
            checkOpen();
            int index = bodyNames.size();
            bodyNames.add(s.name());
            int pat = bodies.patOwner.size();
            bodies.addPattern(s.pattern(), index, s.target(), s.offset(), s.name());
            if (boyerMooreSectionOffset(s) && bodies.patOwner.size() > pat) {
                bodies.sectionStartOnLargeFiles.add(pat);
            }
        }

        public void add(LogicalSignature sig) {
            checkOpen();
            int l = lsigs.size();
            List<SubSignature> subs = sig.subsignatures();
            int base = slotLsig.size();
            lsigSlotBase.add(base);
            boolean hasPost = false;
            boolean hasContent = false;
            for (int k = 0; k < subs.size(); k++) {
                int slot = base + k;
                slotLsig.add(l);
                if (subs.get(k) instanceof SubSignature.Content c) {
                    hasContent = true;
                    for (BodyPattern v : c.variants()) {
                        logical.addPattern(v, -(slot + 1), sig.target().target(), c.offset(), sig.name());
                    }
                } else {
                    hasPost = true;
                }
            }
            if (hasPost || sig.expression().evaluate(new int[subs.size()])) {
                alwaysEvaluate.add(l);
            }
            lsigs.add(hasContent ? withoutPatterns(sig) : sig);
        }

        /**
         * The signature as the scan needs it once its patterns are compiled: content subsignatures keep their place
         * (the scan counts and evaluates by index) but no longer their byte patterns.
         */
        private static LogicalSignature withoutPatterns(LogicalSignature sig) {
            List<SubSignature> subs = new ArrayList<>(sig.subsignatures());
            subs.replaceAll(s -> s instanceof SubSignature.Content ? COMPILED_CONTENT : s);
            return new LogicalSignature(sig.name(), sig.target(), sig.expression(), subs);
        }

        static final SubSignature.Content COMPILED_CONTENT =
                new SubSignature.Content(new OffsetSpec.Any(), List.of());

        private void checkOpen() {
            if (built) {
                throw new IllegalStateException("these signatures are already compiled");
            }
        }

        /** Chooses the atoms and freezes everything; the compiler cannot be used afterwards. */
        public CompiledSignatures build(HashTables hashes, List<MagicRule> magic) {
            return build(hashes, magic, List.of());
        }

        /** As {@link #build(HashTables, List)}, with patterns whose verification belongs to their own language. */
        public CompiledSignatures build(HashTables hashes, List<MagicRule> magic, List<ExternalPatterns> externals) {
            checkOpen();
            built = true;
            bodies.append(logical);
            logical = null;
            bodies.assignAtoms();
            bodies.candidates = null; // only the chosen atoms go on
            candidates = null;
            bodies.addExternals(externals);
            CompiledSignatures compiled = new CompiledSignatures(hashes, FileTypeDetector.withDefaults(magic), bodies,
                    this);
            // The builder that holds this compiler often outlives the build (a CLI scan): keep no second copy.
            bodies = null;
            bodyNames = null;
            lsigs = null;
            lsigSlotBase = null;
            slotLsig = null;
            alwaysEvaluate = null;
            return compiled;
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
    }

    /** Patterns and parts of one section, with their pending atom candidates. */
    private static final class Section {
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
        final IntList offsetAnchored = new IntList();
        final IntList sectionStartOnLargeFiles = new IntList();
        int maxForward = 8;
        int maxTextPatternLength;
        final List<String> warnings = new ArrayList<>();
        // Filled by assignAtoms: atom records (which part, and how far before the atom the part may start).
        final IntList recPart = new IntList();
        final IntList recPrefixMin = new IntList();
        final IntList recPrefixMax = new IntList();
        final AtomIndex.Builder atomBuilder = new AtomIndex.Builder();
        int maxBack = 1;

        /** Appends another section, renumbering its patterns, parts and chain slots after this one's. */
        void append(Section o) {
            int patBase = patOwner.size();
            int partBase = partProgram.size();
            int chainBase = chainSlots;
            for (int i = 0; i < o.patFirstPart.size(); i++) {
                patFirstPart.add(o.patFirstPart.get(i) + partBase);
                patPartCount.add(o.patPartCount.get(i));
                patOwner.add(o.patOwner.get(i));
                patTarget.add(o.patTarget.get(i));
            }
            patOffset.addAll(o.patOffset);
            partProgram.addAll(o.partProgram);
            for (int i = 0; i < o.partPattern.size(); i++) {
                partPattern.add(o.partPattern.get(i) + patBase);
                partIndex.add(o.partIndex.get(i));
                partGapMin.add(o.partGapMin.get(i));
                partGapMax.add(o.partGapMax.get(i));
                int chain = o.partChainSlot.get(i);
                partChainSlot.add(chain < 0 ? chain : chain + chainBase);
            }
            chainSlots += o.chainSlots;
            for (int i = 0; i < o.offsetAnchored.size(); i++) {
                offsetAnchored.add(o.offsetAnchored.get(i) + partBase);
            }
            for (int i = 0; i < o.sectionStartOnLargeFiles.size(); i++) {
                sectionStartOnLargeFiles.add(o.sectionStartOnLargeFiles.get(i) + patBase);
            }
            for (int i = 0; i < o.pendingPart.size(); i++) {
                pendingPart.add(o.pendingPart.get(i) + partBase);
                pendingBehind.add(o.pendingBehind.get(i));
                pendingFrom.add(o.pendingFrom.get(i));
                pendingTo.add(o.pendingTo.get(i));
            }
            maxForward = Math.max(maxForward, o.maxForward);
            maxTextPatternLength = Math.max(maxTextPatternLength, o.maxTextPatternLength);
            warnings.addAll(o.warnings);
        }

        void addPattern(BodyPattern pattern, int owner, int target, OffsetSpec offset, String name) {
            List<Part> parts = pattern.parts();
            int mark = candidates.count();
            int[] candidatesTo = new int[parts.size()];
            for (int i = 0; i < parts.size(); i++) {
                int found = Atoms.candidates(parts.get(i), ATOM_CANDIDATES, candidates);
                if (found == 0 && !(i == 0 && offset instanceof OffsetSpec.Absolute)) {
                    warnings.add(name + ": part " + i + " has no literal bytes to anchor on; pattern left out");
                    candidates.truncate(mark);
                    return;
                }
                candidatesTo[i] = candidates.count();
            }
            int pat = patOwner.size();
            int firstPart = partProgram.size();
            patFirstPart.add(firstPart);
            patPartCount.add(parts.size());
            patOwner.add(owner);
            patTarget.add(target);
            patOffset.add(offset instanceof OffsetSpec.Any ? null : offset);
            int candidatesFrom = mark;
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
                int from = candidatesFrom;
                candidatesFrom = candidatesTo[i];
                if (candidatesTo[i] == from) {
                    offsetAnchored.add(partId);
                    continue;
                }
                pendingPart.add(partId);
                pendingFrom.add(from);
                pendingTo.add(candidatesTo[i]);
                pendingBehind.add(prog.behindReach);
            }
        }

        /** Atom candidates kept per part; the compiler picks among them once it knows every pattern's atoms. */
        static final int ATOM_CANDIDATES = 6;
        /** An atom shared by more parts than this makes each of its occurrences verify them all: spread them out. */
        static final int CROWDED = 16;

        final IntList pendingPart = new IntList();
        /** Each pending part's candidates: {@code [pendingFrom, pendingTo)} in {@link #candidates}. */
        final IntList pendingFrom = new IntList();
        final IntList pendingTo = new IntList();
        final IntList pendingBehind = new IntList();
        AtomCandidates candidates;

        Section(AtomCandidates candidates) {
            this.candidates = candidates;
        }

        /**
         * Chooses one atom per part. Each part starts with its most selective candidate; a part whose atom is shared
         * by more than {@link #CROWDED} others (x86 idioms such as {@code 85 c0 0f 84}, common strings) moves to the
         * candidate that trades the least selectivity for the least crowding, since every occurrence of an atom
         * costs one verification per part that shares it.
         */
        void assignAtoms() {
            AtomCandidates cs = candidates;
            int n = pendingPart.size();
            int[] pick = new int[n];
            LongIntMap crowd = new LongIntMap(n);
            for (int i = 0; i < n; i++) {
                count(crowd, cs, pendingFrom.get(i), 1);
            }
            boolean moved = true;
            // A pass that moves nothing leaves every count as it found them: a second one would decide the same.
            for (int pass = 0; pass < 2 && moved; pass++) {
                moved = false;
                for (int i = 0; i < n; i++) {
                    int base = pendingFrom.get(i);
                    int size = (pendingTo.get(i) - pendingFrom.get(i));
                    int cur = base + pick[i];
                    int curCrowd = crowdOf(crowd, cs, cur);
                    if (size == 1 || curCrowd <= CROWDED) {
                        continue;
                    }
                    int best = pick[i];
                    double bestCost = cost(cs, cur, curCrowd);
                    for (int j = 0; j < size; j++) {
                        // A shorter atom fires far more often than any crowding costs: only same-length moves.
                        if (j != pick[i] && cs.length(base + j) >= cs.length(base)) {
                            double c = cost(cs, base + j, crowdOf(crowd, cs, base + j) + 1);
                            if (c > bestCost) {
                                best = j;
                                bestCost = c;
                            }
                        }
                    }
                    if (best != pick[i]) {
                        moved = true;
                        count(crowd, cs, cur, -1);
                        count(crowd, cs, base + best, 1);
                        pick[i] = best;
                    }
                }
            }
            for (int i = 0; i < n; i++) {
                int c = pendingFrom.get(i) + pick[i];
                int partId = pendingPart.get(i);
                maxBack = Math.max(maxBack, cs.prefixMax(c) + 2 + pendingBehind.get(i));
                int rec = recPart.size();
                recPart.add(partId);
                recPrefixMin.add(cs.prefixMin(c));
                recPrefixMax.add(cs.prefixMax(c));
                for (int v = 0; v < cs.valueCount(c); v++) {
                    atomBuilder.add(cs.length(c), cs.value(c, v), rec);
                }
            }
        }

        ExternalPatterns[] externals = new ExternalPatterns[0];
        int[] externalRecordBase = new int[0];
        long[] externalAtomFilters;

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
                long[] filters = x.atomFilters();
                if (filters != null) {
                    if (filters.length < 3 * atoms.size()) {
                        throw new IllegalArgumentException("atom filters: " + filters.length + " longs for "
                                + atoms.size() + " atoms");
                    }
                    int first = externalRecordBase[e] - externalRecordBase[0];
                    if (externals.length == 1) {
                        externalAtomFilters = filters; // the one source's own array (read only): no copy to keep
                    } else {
                        externalAtomFilters = externalAtomFilters == null ? new long[3 * first + 3 * atoms.size()]
                                : Arrays.copyOf(externalAtomFilters, 3 * first + 3 * atoms.size());
                        System.arraycopy(filters, 0, externalAtomFilters, 3 * first, 3 * atoms.size());
                    }
                }
                maxBack = Math.max(maxBack, x.maxBack() + 1);
                maxForward = Math.max(maxForward, x.maxForward() + 8);
            }
            if (externalAtomFilters != null && externalAtomFilters.length < 3 * (rec - externalRecordBase[0])) {
                // sources after the last one with filters have none (mask 0), but the scan indexes every record
                externalAtomFilters = Arrays.copyOf(externalAtomFilters, 3 * (rec - externalRecordBase[0]));
            }
        }

        private static double cost(AtomCandidates cs, int c, int crowd) {
            return cs.score(c) - 4 * (Math.log(Math.max(1, crowd)) / Math.log(2));
        }

        private static long atomKey(AtomCandidates cs, int c, int value) {
            return ((long) cs.length(c) << 32) | (value & 0xffffffffL);
        }

        private static int crowdOf(LongIntMap crowd, AtomCandidates cs, int c) {
            int m = 0;
            for (int v = 0; v < cs.valueCount(c); v++) {
                m = Math.max(m, crowd.get(atomKey(cs, c, cs.value(c, v))));
            }
            return m;
        }

        private static void count(LongIntMap crowd, AtomCandidates cs, int c, int delta) {
            for (int v = 0; v < cs.valueCount(c); v++) {
                crowd.add(atomKey(cs, c, cs.value(c, v)), delta);
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

        /** The elements in an array of their exact size; the list lets go of its own (it is done growing). */
        int[] take() {
            int[] r = a.length == n ? a : Arrays.copyOf(a, n);
            a = null;
            return r;
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

        long get(int i) {
            return a[i];
        }

        /** As {@link IntList#take()}. */
        long[] take() {
            long[] r = a.length == n ? a : Arrays.copyOf(a, n);
            a = null;
            return r;
        }
    }
}
