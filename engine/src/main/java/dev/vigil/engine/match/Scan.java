package dev.vigil.engine.match;

import dev.vigil.engine.Detection;
import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.SignatureKind;
import dev.vigil.engine.exe.ExecutableInfo;
import dev.vigil.engine.exe.Executables;
import dev.vigil.engine.exe.Section;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.filetype.TargetType;
import dev.vigil.engine.hash.HashTable;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.AtomFilter;
import dev.vigil.engine.ir.EvaluationContext;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.engine.ir.Gap;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.LogicalSignature;
import dev.vigil.engine.ir.OffsetSpec;
import dev.vigil.engine.ir.SubSignature;
import dev.vigil.engine.ir.TargetDescription;
import dev.vigil.engine.normalize.HtmlNormalizer;
import dev.vigil.engine.normalize.HtmlViews;
import dev.vigil.engine.normalize.TextNormalizer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The state of one scan: a single pass over the data in bounded windows, feeding atom hits to the part verifiers
 * and the whole-file digests at once; then hash look-ups, PE section hashes, and logical signatures.
 * State for signatures that matched is kept in small sparse structures, so a scan costs nothing for the
 * signatures it never touches.
 */
final class Scan implements EvaluationContext {
    private static final int CHUNK = 1 << 20;
    /** Offsets remembered per logical subsignature (for byte-compare and reporting); counts go on beyond it. */
    private static final int OFFSETS_PER_SLOT = 64;
    /** Entries remembered per chain slot for bounded gaps. */
    private static final int CHAIN_ENTRIES = 64;

    private final CompiledSignatures c;
    private final ScanOptions options;
    /** The data the caller gave. */
    private final ScanInput rawInput;
    private final long rawSize;
    /** The buffer being matched now: the raw data or one of its normalised views. */
    private ScanInput input;
    private long size;
    /** Which signature targets the current buffer is matched with: target 0 and/or one other (-1: none). */
    private boolean matchGeneric = true;
    private int matchTarget = -1;
    private final Verifier verifier = new Verifier();
    private final List<Detection> detections = new ArrayList<>();
    private final long deadline;

    private FileType type = FileType.BINARY_DATA;
    private int activeTarget = -1;
    private ExecutableInfo exe;
    private boolean stopMatching;
    private String limit;
    private long scanned;
    /** The bytes of the raw data the pass read ({@link #covered()}); set when its pass is over. */
    private long rawCovered;

    // Body signatures already reported.
    private long[] bodyReported;
    // Offset windows resolved per pattern on first use: pattern -> [from, to], or impossible.
    private final SparseLongs windows = new SparseLongs(2);
    // Logical subsignature matches: slot -> [count, lastOffset, offsets...].
    private final SparseLongs slotMatches = new SparseLongs(2 + OFFSETS_PER_SLOT);
    // Chains of multi-part patterns: chain slot -> [n, (end, chainStart)...].
    private final SparseLongs chains = new SparseLongs(1 + 2 * CHAIN_ENTRIES);

    private MessageDigest[] digests;
    private int currentLsig = -1;

    /** Per-scan state of each external pattern source; null entries while the current buffer is not the raw data. */
    private final ExternalPatterns.ExternalScan[] externalScans;
    /** True while the raw data is being matched: external patterns see only the raw bytes, never normalised views. */
    private boolean matchExternal;
    // The window scanRange is working on, for external verifiers.
    private byte[] windowBuf;
    private long windowBase;
    private int windowValid;

    Scan(CompiledSignatures compiled, ScanInput input, ScanOptions options) {
        this.c = compiled;
        this.rawInput = input;
        this.input = input;
        this.options = options;
        this.rawSize = input.size();
        this.size = rawSize;
        long t = options.limits().maxScanTime() == null ? 0 : options.limits().maxScanTime().toNanos();
        this.deadline = t > 0 ? System.nanoTime() + t : Long.MAX_VALUE;
        this.bodyReported = new long[(c.bodyNames.length + 63) >>> 6];
        this.externalScans = new ExternalPatterns.ExternalScan[c.externals.length];
        for (int i = 0; i < externalScans.length; i++) {
            externalScans[i] = c.externals[i].begin(deadline);
        }
    }

    ScanResult run() throws IOException {
        long maxFile = options.limits().maxFileSize();
        if (maxFile > 0 && size > maxFile) {
            return new ScanResult(List.of(), FileType.BINARY_DATA, size, 0, "MaxFileSize");
        }
        if (size == 0) {
            return emptyInput();
        }
        type = c.detector.detect(input);
        activeTarget = TargetType.of(type);
        if (TargetType.isExecutable(activeTarget)) {
            exe = Executables.parse(input);
        }
        digests = digestsFor(HashScope.FILE, size);

        // ClamAV matches text-target (7) signatures only against normalised text, and HTML-target (3) ones only
        // against the normalised HTML views; the raw bytes of an HTML file are not matched at all.
        boolean text = TargetType.scansNormalisedText(type);
        boolean html = type.equals(FileType.HTML);
        // The normalised text view serves ClamAV's patterns only (external patterns, YARA's, read the raw bytes): an
        // engine without them skips normalising (a quarter of a YARA-only scan of source files). HTML views also
        // yield the data URIs, whose contents every signature scans, so they stay.
        boolean textViewMatters = c.patOwner.length > 0 || c.lsigs.length > 0;
        // Files ClamAV types as "ignored" (media formats) get no signature matching at all.
        matchGeneric = !html && !type.equals(FileType.IGNORED);
        matchTarget = html ? -1 : TargetType.ofRawScan(type);
        // When an executable's headers do not parse, ClamAV drops every relative offset, EOF-n included.
        headersBroken = exe == null && (TargetType.isExecutable(activeTarget)
                || type.equals(FileType.MACHO_UNIBIN));
        matchExternal = externalScans.length > 0;
        for (ExternalPatterns.ExternalScan x : externalScans) {
            x.start(this);
        }
        matchLayer();
        matchExternal = false;
        boolean rawComplete = limit == null;
        rawCovered = rawComplete ? rawSize : Math.min(scanned, rawSize);
        finishDigests();
        digests = null;
        List<Detection> hashHits = fileHashHits();
        if (textViewMatters && text && !done(hashHits)) {
            byte[] norm = TextNormalizer.normalize(rawInput,
                    ScanLimits.orUnlimited(options.limits().maxScriptNormalize()),
                    c.maxTextPatternLength, false, Integer.MAX_VALUE - 16);
            if (norm != null) {
                matchView(norm, TargetType.ASCII, false, hashHits);
            }
        } else if (html && !done(hashHits)) {
            HtmlViews views = HtmlNormalizer.normalize(rawInput,
                    ScanLimits.orUnlimited(options.limits().maxHtmlNormalize()),
                    ScanLimits.orUnlimited(options.limits().maxHtmlNoTags()), Integer.MAX_VALUE - 16);
            if (views != null) {
                matchView(views.noComment(), TargetType.HTML, true, hashHits);
                if (views.noTags() != null && !done(hashHits)) {
                    matchView(views.noTags(), TargetType.HTML, true, hashHits);
                }
                for (byte[] embedded : views.dataUris()) {
                    if (done(hashHits)) {
                        break;
                    }
                    ScanResult child = new Scan(c, ScanInput.of(embedded), options).run();
                    detections.addAll(child.detections());
                }
            }
        }
        input = rawInput;
        size = rawSize;
        List<Detection> sectionHits = sectionHashHits();
        List<Detection> importHits = importHashHits(sectionHits);
        List<Detection> externalHits = new ArrayList<>();
        List<Object> reports = new ArrayList<>(externalScans.length);
        for (ExternalPatterns.ExternalScan x : externalScans) {
            externalHits.addAll(x.finish(this, rawComplete));
            reports.add(x.report());
            if (limit == null) {
                limit = x.limitReached();
            }
        }

        List<Detection> all = new ArrayList<>(hashHits.size() + detections.size() + logical.size()
                + sectionHits.size() + importHits.size());
        // clamscan's report order, which also decides the one name of a first-match scan: body signatures, then
        // whole-file hashes, then logical signatures (clamav/.../DetectionOrderTest holds it to clamscan)
        all.addAll(detections);
        all.addAll(hashHits);
        all.addAll(logical);
        all.addAll(sectionHits);
        all.addAll(importHits);
        all.addAll(externalHits);
        if (!all.isEmpty() && allowListed()) {
            all.clear();
        }
        if (!options.allMatch() && all.size() > 1) {
            all = List.of(all.get(0));
        }
        // Skipping the read when no signature needs these bytes is an optimisation, not a partial scan.
        long covered = limit == null ? Math.max(scanned, rawSize) : scanned;
        return new ScanResult(all, type, rawSize, covered, limit, reports);
    }

    /** Empty data: nothing to match, but external rules (YARA conditions such as {@code filesize == 0}) still decide. */
    private ScanResult emptyInput() {
        List<Detection> all = new ArrayList<>();
        List<Object> reports = new ArrayList<>(externalScans.length);
        for (ExternalPatterns.ExternalScan x : externalScans) {
            all.addAll(x.finish(this, true));
            reports.add(x.report());
        }
        if (!options.allMatch() && all.size() > 1) {
            all = List.of(all.get(0));
        }
        return new ScanResult(all, FileType.BINARY_DATA, 0, 0, null, reports);
    }

    private final List<Detection> logical = new ArrayList<>();

    private boolean done(List<Detection> hashHits) {
        return limit != null || (!options.allMatch() && (stopMatching || !hashHits.isEmpty() || !logical.isEmpty()));
    }

    private boolean headersBroken;

    /** Matches the current buffer with the current targets: one pass, then the logical signatures. */
    private void matchLayer() throws IOException {
        windows.clear();
        slotMatches.clear();
        chains.clear();
        anchoredByOffset();
        pass();
        if (!(stopMatching && !options.allMatch())) {
            logical.addAll(logicalHits());
        }
    }

    /**
     * Matches a normalised view with target 0 and {@code target}. Each view has its own matcher state, offsets and
     * logical-signature evaluation, as in ClamAV; whole-file hash signatures apply to HTML views.
     */
    private void matchView(byte[] view, int target, boolean hashes, List<Detection> hashHits) throws IOException {
        input = ScanInput.of(view);
        size = view.length;
        ExecutableInfo rawExe = exe;
        exe = null;
        matchGeneric = true;
        matchTarget = target;
        matchLayer();
        exe = rawExe;
        if (hashes && view.length > 0) {
            for (HashAlgorithm a : HashAlgorithm.values()) {
                HashTable t = c.hashes.table(HashScope.FILE, a);
                if (t != null && t.covers(view.length)) {
                    for (int name : t.findAll(newDigest(a).digest(view), view.length)) {
                        hashHits.add(new Detection(c.hashes.name(name), SignatureKind.HASH, -1));
                    }
                }
            }
        }
    }

    // ---------------------------------------------------------------- the pass

    private void pass() throws IOException {
        int back = c.maxBack;
        int fwd = c.maxForward;
        boolean matching = c.atoms.records.length > 0 && (matchGeneric || matchTarget >= 0 || matchExternal)
                || matchExternal && c.externalEveryOffset;
        if (!matching && digests == null) {
            return;
        }
        long maxScan = options.limits().maxScanSize();
        int capacity = (int) Math.min(size + 8, (long) back + CHUNK + fwd + 8);
        byte[] buf = new byte[capacity];
        long base = 0;       // file offset of buf[0]
        int valid = 0;       // bytes of data in buf
        long next = 0;       // next atom position to examine
        while (true) {
            int room = capacity - 8 - valid;
            int read = room <= 0 ? 0 : input.read(base + valid, buf, valid, room);
            if (read > 0) {
                updateDigests(buf, valid, read);
                valid += read;
                scanned += read;
            }
            boolean eof = base + valid >= size || read <= 0 && room > 0;
            Arrays.fill(buf, valid, Math.min(capacity, valid + 8), (byte) 0);
            long end = eof ? base + valid : base + valid - fwd;
            if (matching && !stopMatching && end > next) {
                verifier.window(buf, base, valid, size);
                windowValid = valid;
                scanRange(buf, base, (int) (next - base), (int) (end - base));
            }
            next = Math.max(next, end);
            if (eof) {
                return;
            }
            if (System.nanoTime() > deadline) {
                limit = "MaxScanTime";
                return;
            }
            if (maxScan > 0 && scanned >= maxScan) {
                limit = "MaxScanSize";
                return;
            }
            if (stopMatching && digests == null) {
                return;
            }
            int keepFrom = (int) Math.max(0, next - back - base);
            System.arraycopy(buf, keepFrom, buf, 0, valid - keepFrom);
            base += keepFrom;
            valid -= keepFrom;
        }
    }

    /**
     * Looks up every atom starting in buf[from, to) and verifies the candidates. Block by block, a tight first loop
     * keeps the positions where an atom may start: the four bytes there are in the hashed 4-byte bitmap, or the first
     * two begin a shorter atom ({@link AtomIndex#short2}); no branch per byte. The full look-ups run only at those.
     * Keeping the look-ups and verification out of the per-byte loop lets it compile small.
     */
    private void scanRange(byte[] buf, long base, int from, int to) {
        windowBuf = buf;
        windowBase = base;
        if (matchExternal && c.externalEveryOffset) {
            for (ExternalPatterns.ExternalScan x : externalScans) {
                x.everyOffset(buf, base, windowValid, size, from, to);
            }
        }
        AtomIndex ix = c.atoms;
        long[] short2 = ix.short2;
        // a missing table gets a one-word empty bitmap, so that the loop needs no test for it
        long[] bits4 = ix.bits4 == null ? NO_BITS : ix.bits4;
        int shift4 = ix.bits4 == null ? 26 : ix.shift4;
        int[] positions = candidatePositions;
        for (int block = from; block < to; block += positions.length) {
            int blockEnd = Math.min(to, block + positions.length);
            int n = 0;
            for (int p = block; p < blockEnd; p++) {
                int w = (int) LITTLE_ENDIAN_INT.get(buf, p);
                int h4 = AtomIndex.mix4(w, shift4);
                int v = w & 0xffff;
                long any = (bits4[h4 >>> 6] >>> h4) | (short2[v >>> 6] >>> v);
                positions[n] = p;
                n += (int) any & 1;
            }
            for (int i = 0; i < n; i++) {
                lookUp(buf, base, positions[i]);
                if (stopMatching) {
                    return;
                }
            }
        }
    }

    private final int[] candidatePositions = new int[2048];
    private static final long[] NO_BITS = new long[1];
    /** One load for the four bytes at a position (the buffer has eight bytes of padding after its data). */
    private static final VarHandle LITTLE_ENDIAN_INT =
            MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

    /** All atom look-ups at one position. */
    private void lookUp(byte[] buf, long base, int p) {
        AtomIndex ix = c.atoms;
        int w = (int) LITTLE_ENDIAN_INT.get(buf, p);
        if (ix.bits4 != null) {
            int h = AtomIndex.mix4(w, ix.shift4);
            if ((ix.bits4[h >>> 6] & (1L << h)) != 0) {
                long r = ix.lookup4(w);
                if (r >= 0) {
                    candidates((int) (r >>> 32), (int) r, base + p);
                }
            }
        }
        if (ix.bits3 != null) {
            int v = w & 0xffffff;
            int h = AtomIndex.mix4(v, ix.shift3);
            if ((ix.bits3[h >>> 6] & (1L << h)) != 0) {
                long r = ix.lookup3(v);
                if (r >= 0) {
                    candidates((int) (r >>> 32), (int) r, base + p);
                }
            }
        }
        if (ix.bits2 != null) {
            int v = w & 0xffff;
            if ((ix.bits2[v >>> 6] & (1L << v)) != 0) {
                candidates(ix.start2[v], ix.start2[v + 1], base + p);
            }
        }
        if (ix.has1) {
            int v = w & 0xff;
            int first = ix.start1[v];
            int last = ix.start1[v + 1];
            if (first != last) {
                candidates(first, last, base + p);
            }
        }
    }

    private void candidates(int from, int to, long atomAt) {
        int[] recs = c.atoms.records;
        for (int i = from; i < to; i++) {
            int rec = recs[i];
            if (rec >= c.firstExternalRecord) {
                if (matchExternal) {
                    long[] f = c.externalAtomFilters;
                    int k = 3 * (rec - c.firstExternalRecord);
                    // most hits fail their filter: tested here, they cost no call into the verifier
                    if (f == null || f[k + 1] == 0 || !AtomFilter.rejects(f[k], f[k + 1], f[k + 2], windowBuf,
                            (int) (atomAt - windowBase))) {
                        external(rec, atomAt);
                    }
                }
                continue;
            }
            int part = c.recPart[rec];
            int pat = c.partPattern[part];
            if (!targetActive(c.patTarget[pat]) || alreadyReported(pat)) {
                continue;
            }
            long lo = Math.max(0, atomAt - c.recPrefixMax[rec]);
            long hi = atomAt - c.recPrefixMin[rec];
            for (long s = lo; s <= hi; s++) {
                tryPart(part, pat, s);
            }
        }
    }

    private void external(int rec, long atomAt) {
        int[] bases = c.externalRecordBase;
        int e = bases.length - 1;
        while (bases[e] > rec) {
            e--;
        }
        externalScans[e].atom(rec - bases[e], windowBuf, windowBase, windowValid, size, (int) (atomAt - windowBase));
    }

    private boolean targetActive(int target) {
        return target == 0 ? matchGeneric : target == matchTarget;
    }

    private boolean alreadyReported(int pat) {
        int owner = c.patOwner[pat];
        return owner >= 0 && (bodyReported[owner >>> 6] & (1L << owner)) != 0;
    }

    private void tryPart(int part, int pat, long start) {
        int idx = c.partIndex[part];
        if (idx == 0) {
            if (c.patOffset[pat] != null && !inWindow(pat, start)) {
                return;
            }
        } else if (!chains.contains(c.partChainSlot[part - 1])) {
            return;
        }
        int n = verifier.run(c.partProgram[part], start);
        if (n == 0) {
            return;
        }
        long chainStart = start;
        if (idx > 0) {
            chainStart = chainPredecessor(c.partChainSlot[part - 1], start, c.partGapMin[part], c.partGapMax[part]);
            if (chainStart < 0) {
                return;
            }
        }
        if (idx == c.patPartCount[pat] - 1) {
            patternMatched(pat, chainStart, verifier.ends[n - 1]);
        } else {
            recordChain(c.partChainSlot[part], verifier.ends, n, chainStart, c.partGapMax[part + 1]);
        }
    }

    private boolean inWindow(int pat, long start) {
        OffsetSpec spec = c.patOffset[pat];
        if (spec instanceof OffsetSpec.VersionInfo) {
            return exe != null && exe.isVersionInfoOffset(start);
        }
        long[] w = windows.get(pat);
        if (w == null) {
            OffsetSpec.Window win = headersBroken && spec instanceof OffsetSpec.FromEnd ? null
                    : spec.resolve(size, exe);
            w = windows.create(pat);
            if (win == null) {
                w[0] = 1;
                w[1] = 0; // empty: from > to
            } else {
                w[0] = win.from();
                w[1] = win.to();
                if (rawSize >= CompiledSignatures.BM_OFFSET_MODE_SIZE && input == rawInput
                        && (c.sectionStartOnLargeFiles[pat >>> 6] & (1L << pat)) != 0) {
                    w[1] = w[0];
                }
            }
        }
        return start >= w[0] && start <= w[1];
    }

    private void recordChain(int slot, long[] ends, int n, long chainStart, long nextGapMax) {
        long[] e = chains.get(slot);
        if (e == null) {
            e = chains.create(slot);
        }
        for (int i = 0; i < n; i++) {
            long end = ends[i];
            int count = (int) e[0];
            if (nextGapMax == Gap.UNBOUNDED) {
                // Only the earliest end matters when the next gap has no upper bound.
                if (count == 0 || end < e[1]) {
                    e[0] = 1;
                    e[1] = end;
                    e[2] = chainStart;
                }
                continue;
            }
            if (count > 0 && e[1 + 2 * ((count - 1) % CHAIN_ENTRIES)] == end) {
                continue;
            }
            int at = count % CHAIN_ENTRIES;  // a ring: the oldest entries give way
            e[1 + 2 * at] = end;
            e[2 + 2 * at] = chainStart;
            e[0] = count + 1;
        }
    }

    /** The chain start of a predecessor whose end lies [min, max] before {@code start}, or -1. */
    private long chainPredecessor(int slot, long start, long min, long max) {
        long[] e = chains.get(slot);
        if (e == null) {
            return -1;
        }
        int n = (int) Math.min(e[0], CHAIN_ENTRIES);
        long best = -1;
        for (int i = 0; i < n; i++) {
            long gap = start - e[1 + 2 * i];
            if (gap >= min && (max == Gap.UNBOUNDED || gap <= max)) {
                long cs = e[2 + 2 * i];
                if (best < 0 || cs < best) {
                    best = cs;
                }
            }
        }
        return best;
    }

    private void patternMatched(int pat, long start, long end) {
        int owner = c.patOwner[pat];
        if (owner >= 0) {
            bodyReported[owner >>> 6] |= 1L << owner;
            detections.add(new Detection(c.bodyNames[owner], SignatureKind.BODY, start));
            if (!options.allMatch()) {
                stopMatching = true;
            }
            return;
        }
        int slot = -owner - 1;
        long[] m = slotMatches.get(slot);
        if (m == null) {
            m = slotMatches.create(slot);
            m[1] = -1;
        } else if (m[1] == start) {
            return; // the same match reached through another variant or atom
        }
        int count = (int) m[0];
        if (count < OFFSETS_PER_SLOT) {
            m[2 + count] = start;
        }
        m[0] = count + 1;
        m[1] = start;
    }

    /** Parts with no atom are anchored by an absolute offset: verify each start in their window directly. */
    private void anchoredByOffset() throws IOException {
        for (int part : c.offsetAnchoredParts) {
            int pat = c.partPattern[part];
            if (!targetActive(c.patTarget[pat])) {
                continue;
            }
            OffsetSpec.Window w = c.patOffset[pat].resolve(size, exe);
            if (w == null || w.from() >= size) {
                continue;
            }
            long to = Math.min(w.to(), size - 1);
            PartProgram prog = c.partProgram[part];
            long from = Math.max(0, w.from() - 1 - prog.behindReach);
            int span = (int) Math.min(Integer.MAX_VALUE - 16,
                    to - from + prog.maxLength + 4 + prog.aheadReach);
            byte[] data = input.readFully(from, span);
            verifier.window(data, from, data.length, size);
            for (long s = w.from(); s <= to && !stopMatching; s++) {
                tryPart(part, pat, s);
            }
        }
    }

    // ---------------------------------------------------------------- hashes

    private MessageDigest[] digestsFor(HashScope scope, long length) {
        MessageDigest[] out = null;
        for (HashAlgorithm a : HashAlgorithm.values()) {
            HashTable t = c.hashes.table(scope, a);
            HashTable allow = scope == HashScope.FILE ? c.hashes.allowed(a) : null;
            if ((t != null && t.covers(length)) || (allow != null && allow.covers(length))) {
                if (out == null) {
                    out = new MessageDigest[HashAlgorithm.values().length];
                }
                out[a.ordinal()] = newDigest(a);
            }
        }
        return out;
    }

    private static MessageDigest newDigest(HashAlgorithm a) {
        try {
            return MessageDigest.getInstance(a.jcaName());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides " + a.jcaName(), e);
        }
    }

    private void updateDigests(byte[] buf, int off, int len) {
        if (digests == null) {
            return;
        }
        for (MessageDigest d : digests) {
            if (d != null) {
                d.update(buf, off, len);
            }
        }
    }

    private byte[][] fileDigests;

    /** Completes the whole-file digests when the pass stopped early. */
    private void finishDigests() throws IOException {
        if (digests == null) {
            return;
        }
        if (scanned < size && limit == null) {
            byte[] buf = new byte[(int) Math.min(CHUNK, size - scanned)];
            long pos = scanned;
            while (pos < size) {
                int r = input.read(pos, buf, 0, buf.length);
                if (r <= 0) {
                    break;
                }
                updateDigests(buf, 0, r);
                pos += r;
            }
            if (pos < size) {
                return;
            }
        } else if (scanned < size) {
            return; // a limit stopped the read: digests of partial data mean nothing
        }
        fileDigests = new byte[digests.length][];
        for (int i = 0; i < digests.length; i++) {
            if (digests[i] != null) {
                fileDigests[i] = digests[i].digest();
            }
        }
    }

    private List<Detection> fileHashHits() {
        if (fileDigests == null) {
            return List.of();
        }
        List<Detection> out = new ArrayList<>(0);
        for (HashAlgorithm a : HashAlgorithm.values()) {
            HashTable t = c.hashes.table(HashScope.FILE, a);
            byte[] d = fileDigests[a.ordinal()];
            if (t == null || d == null) {
                continue;
            }
            for (int name : t.findAll(d, size)) {
                out.add(new Detection(c.hashes.name(name), SignatureKind.HASH, -1));
            }
        }
        return out;
    }

    private boolean allowListed() {
        if (fileDigests == null) {
            return false;
        }
        for (HashAlgorithm a : HashAlgorithm.values()) {
            HashTable t = c.hashes.allowed(a);
            byte[] d = fileDigests[a.ordinal()];
            if (t != null && d != null && t.findAll(d, rawSize).length > 0) {
                return true;
            }
        }
        return false;
    }

    private List<Detection> sectionHashHits() throws IOException {
        if (exe == null || exe.format() != ExecutableInfo.Format.PE || !c.hashes.hasScope(HashScope.PE_SECTION)
                || (stopMatching && !options.allMatch() && !detections.isEmpty())) {
            return List.of();
        }
        List<Detection> out = new ArrayList<>(0);
        byte[] buf = null;
        for (Section s : exe.sections()) {
            long len = s.rawSize();
            if (len <= 0 || s.rawOffset() + len > size) {
                continue;
            }
            MessageDigest[] ds = digestsFor(HashScope.PE_SECTION, len);
            if (ds == null) {
                continue;
            }
            if (buf == null) {
                buf = new byte[(int) Math.min(CHUNK, Math.max(len, 4096))];
            }
            long pos = s.rawOffset();
            long end = pos + len;
            while (pos < end) {
                int r = input.read(pos, buf, 0, (int) Math.min(buf.length, end - pos));
                if (r <= 0) {
                    break;
                }
                for (MessageDigest d : ds) {
                    if (d != null) {
                        d.update(buf, 0, r);
                    }
                }
                pos += r;
            }
            for (HashAlgorithm a : HashAlgorithm.values()) {
                MessageDigest d = ds[a.ordinal()];
                HashTable t = c.hashes.table(HashScope.PE_SECTION, a);
                if (d == null || t == null) {
                    continue;
                }
                for (int name : t.findAll(d.digest(), len)) {
                    out.add(new Detection(c.hashes.name(name), SignatureKind.SECTION_HASH, s.rawOffset()));
                }
            }
        }
        return out;
    }

    /** Import-table hashes (.imp); ClamAV looks them up after the section hashes, for PE32 files only. */
    private List<Detection> importHashHits(List<Detection> sectionHits) throws IOException {
        if (exe == null || exe.format() != ExecutableInfo.Format.PE || !c.hashes.hasScope(HashScope.PE_IMPORTS)
                || (!options.allMatch() && (!detections.isEmpty() || !sectionHits.isEmpty()))) {
            return List.of();
        }
        byte[] text = Executables.importTableDigestInput(input);
        if (text == null) {
            return List.of();
        }
        List<Detection> out = new ArrayList<>(0);
        for (HashAlgorithm a : HashAlgorithm.values()) {
            HashTable t = c.hashes.table(HashScope.PE_IMPORTS, a);
            if (t != null && t.covers(text.length)) {
                for (int name : t.findAll(newDigest(a).digest(text), text.length)) {
                    out.add(new Detection(c.hashes.name(name), SignatureKind.IMPORT_HASH, -1));
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- logical signatures

    private List<Detection> logicalHits() {
        if (c.lsigs.length == 0) {
            return List.of();
        }
        // Candidates: signatures with a matched content subsignature, and those that may match without one.
        long[] seen = new long[(c.lsigs.length + 63) >>> 6];
        IntArray todo = new IntArray();
        slotMatches.forEachKey(slot -> {
            int l = c.slotLsig[slot];
            if ((seen[l >>> 6] & (1L << l)) == 0) {
                seen[l >>> 6] |= 1L << l;
                todo.add(l);
            }
        });
        for (int l : c.lsigAlwaysEvaluate) {
            if ((seen[l >>> 6] & (1L << l)) == 0) {
                seen[l >>> 6] |= 1L << l;
                todo.add(l);
            }
        }
        todo.sort();
        List<Detection> out = new ArrayList<>(0);
        for (int i = 0; i < todo.n; i++) {
            int l = todo.a[i];
            LogicalSignature sig = c.lsigs[l];
            if (!targetHolds(sig.target())) {
                continue;
            }
            currentLsig = l;
            List<SubSignature> subs = sig.subsignatures();
            int[] counts = new int[subs.size()];
            long first = -1;
            for (int k = 0; k < subs.size(); k++) {
                long[] m = slotMatches.get(c.lsigSlotBase[l] + k);
                if (m != null) {
                    counts[k] = (int) Math.min(Integer.MAX_VALUE, m[0]);
                    first = first < 0 ? m[2] : Math.min(first, m[2]);
                }
            }
            for (int k = 0; k < subs.size(); k++) {
                if (subs.get(k) instanceof SubSignature.Post post) {
                    counts[k] = post.evaluate(this, counts);
                }
            }
            if (sig.expression().evaluate(counts)) {
                out.add(new Detection(sig.name(), SignatureKind.LOGICAL, first));
                if (!options.allMatch()) {
                    break;
                }
            }
        }
        currentLsig = -1;
        return out;
    }

    private boolean targetHolds(TargetDescription t) {
        if (!targetActive(t.target())) {
            return false;
        }
        if (t.fileSize() != null && !t.fileSize().contains(size)) {
            return false;
        }
        if (t.entryPoint() != null && (exe == null || exe.entryPoint() < 0 || !t.entryPoint().contains(exe.entryPoint()))) {
            return false;
        }
        if (t.numberOfSections() != null && (exe == null || !t.numberOfSections().contains(exe.sections().size()))) {
            return false;
        }
        if (t.container() != null && !t.container().equals(ancestorType(1))) {
            return false;
        }
        if (!intermediatesHold(t.intermediates())) {
            return false;
        }
        // Icon groups need PE icon extraction (not yet); handler-type signatures re-type files and never alert.
        return t.iconGroup1() == null && t.iconGroup2() == null && t.handlerType() == null;
    }

    /**
     * The type of the {@code generation}-th ancestor (1 = the direct container), or {@code CL_TYPE_ANY} above the
     * top level, as ClamAV answers for a layer that does not exist.
     */
    private String ancestorType(int generation) {
        List<String> chain = options.containers();
        int i = chain.size() - generation;
        return i >= 0 ? chain.get(i) : "CL_TYPE_ANY";
    }

    /**
     * {@code Intermediates:A>B>C}: C must be the direct container, B the one above it, and so on. As in ClamAV, a
     * CL_TYPE_ANY element matches without using up a layer, yet the object must lie at least as deep as the whole
     * list is long.
     */
    private boolean intermediatesHold(List<String> wanted) {
        if (wanted.isEmpty()) {
            return true;
        }
        if (options.containers().size() < wanted.size()) {
            return false;
        }
        int generation = 1;
        for (int k = wanted.size() - 1; k >= 0; k--) {
            String w = wanted.get(k);
            if ("CL_TYPE_ANY".equals(w)) {
                continue;
            }
            if (!w.equals(ancestorType(generation++))) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------- EvaluationContext

    @Override
    public ScanInput input() {
        return input;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public long covered() {
        return input == rawInput ? rawCovered : size;
    }

    @Override
    public long pcreMaxFileSize() {
        return options.limits().pcreMaxFileSize();
    }

    @Override
    public ExecutableInfo executable() {
        return exe;
    }

    @Override
    public int matchCount(int index) {
        long[] m = slotMatches.get(c.lsigSlotBase[currentLsig] + index);
        return m == null ? 0 : (int) Math.min(Integer.MAX_VALUE, m[0]);
    }

    @Override
    public long[] matchOffsets(int index) {
        long[] m = slotMatches.get(c.lsigSlotBase[currentLsig] + index);
        if (m == null) {
            return new long[0];
        }
        int n = (int) Math.min(m[0], OFFSETS_PER_SLOT);
        long[] out = Arrays.copyOfRange(m, 2, 2 + n);
        Arrays.sort(out);
        return out;
    }

    /** A tiny growable int array. */
    private static final class IntArray {
        int[] a = new int[8];
        int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        void sort() {
            Arrays.sort(a, 0, n);
        }
    }
}
