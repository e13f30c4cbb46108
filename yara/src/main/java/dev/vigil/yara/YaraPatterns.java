package dev.vigil.yara;

import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.yara.strings.CompiledString;
import dev.vigil.yara.strings.HitFilter;
import dev.vigil.yara.strings.StartFilter;

import dev.vigil.yara.condition.CompiledRule;
import dev.vigil.yara.syntax.StringDecl;
import dev.vigil.yara.syntax.StringModifiers;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every string of a YARA rule set as external patterns of the engine: their atoms join the engine's one atom index,
 * and each atom occurrence goes to the string it came from. Immutable; {@link #begin} starts a scan's state.
 */
final class YaraPatterns implements ExternalPatterns {
    final YaraRules rules;
    /** yara -f: strings that need one match only stop being verified after their first. */
    final boolean fastMode;
    /** Per string: whether fast mode may stop after its first match. */
    final boolean[] oneMatchEnough;
    /** Per string: the one offset a literal string is searched at ({@code $a at N}), or StringMatches.ANYWHERE. */
    final long[] onlyAt;
    /** Per rule: its meta as the report gives it, built once. */
    final List<List<RuleMatch.Meta>> metadata;
    /** Atom index -> the string it belongs to, and the atom's index within that string. */
    final int[] atomString;
    final int[] atomLocal;
    /** The engine's atoms: {@link #allAtoms}, or all but those of deferred strings (which come last there). */
    private final List<byte[]> atoms;
    /** Every atom; the other per-atom arrays ({@link #atomString}, {@link #hitFilters}, ...) follow this order. */
    final List<byte[]> allAtoms;
    /**
     * Per atom, three longs: the string's {@link dev.vigil.yara.strings.HitFilter} as (offset << 32 | minPos), mask,
     * value; a zero mask means none. Flat, so that a rejected hit reads one entry here and the data only.
     */
    final long[] hitFilters;
    /**
     * Per string: the string whose matches it shares. Strings declared identically (same kind, text, flags and
     * modifiers apart from {@code private}, and searched alike: same fixed offset, same fast-mode need) have the same
     * matches, so only the first of them is verified; rule sets repeat strings a lot (signature-base: 9,800 of 34,900).
     */
    final int[] shared;
    /** Per string that others share ({@code shared[s] == s}): the rules declaring it or a copy, as CSR over rules. */
    final int[] sharingRulesStart;
    final int[] sharingRules;
    /**
     * Per string that others share: whether it and every copy are used only as {@code $a at E}
     * ({@link dev.vigil.yara.condition.CompiledRuleSet#atOnly}) and one atom hit finds each of its matches. The pass
     * does not verify it ({@link Deferral}); a scan checks it at the offsets its conditions ask for (see
     * {@code YaraScanState}). PEiD-style rule sets ({@code $a at pe.entry_point}, 9,000 of Yara-Rules' 12,800 rules)
     * have strings whose best atom is one frequent byte, like {@code 00}, each hit of which would be verified.
     */
    final boolean[] deferred;
    /**
     * Per deferred string, flat so that asking thousands of them about one offset (PEiD-style entry-point rules)
     * reads small arrays instead of each string's objects: at its slot ({@link #deferredSlot}), four longs, the
     * bytes a match can begin with ({@link CompiledString#firstBytes}); and two ints, its
     * {@link CompiledString#maxBack} and {@link CompiledString#maxForward}.
     */
    final int[] deferredSlot;
    final long[] deferredFirstBytes;
    final int[] deferredReach;
    /** Per rule, a bit: some string of it is deferred, so whether it matched is not known from the pass. */
    final long[] rulesWithDeferred;
    /** Per atom: {@link dev.vigil.yara.strings.CompiledString#startSpan} of its string. */
    final int[] atomStartSpan;
    /**
     * Per string: whether a scan logs its counted hits in large data (YaraScanScratch.logHit), which it does for
     * strings with an atom whose hits can each start {@link #MIN_LOGGED_SPAN} matches or more. The others need over
     * a hundred thousand hits to reach the match cap, more than a log is worth keeping; and they made nearly all
     * the counted hits over the benchmark corpus (all but 87 of 11.4 million for Yara-Rules, where logging them
     * had cost 87 MiB of peak RSS; docs/yara.md).
     */
    final boolean[] logsHits;
    static final int MIN_LOGGED_SPAN = 8;
    /** Per string that others share: its atoms' indexes, as CSR. */
    final int[] stringAtomsStart;
    final int[] stringAtoms;
    /** The rules a scan reports (not private), in declaration order. */
    final int[] publicRules;
    /** Strings without a usable atom, verified at every offset. */
    final int[] atomless;
    /**
     * The atom-less strings in groups that share one {@link StartFilter} pass ({@link #atomlessFilters}, same index);
     * a string without a filter is a group of its own with a null filter.
     */
    final int[][] atomlessGroups;
    final StartFilter[] atomlessFilters;
    /**
     * The bytes a start of any atom-less group with a filter that is not uniform begins with (four longs), or null
     * without such groups.
     */
    final long[] atomlessFirstBytes;
    /** Per rule, the strings (shared indexes) its condition cannot be true without that the pass verifies. */
    final int[][] requiredOf;
    /**
     * Per string: atom-less, and each of its rules requires a string with atoms. The pass does not verify it; it is
     * searched afterwards where a rule found all it requires, or where it could have reached the match cap (data of
     * a million bytes or more: the pass counts the starts its filter keeps; without a filter it is verified).
     */
    final boolean[] afterPass;
    final int[] afterPassStrings;
    /** Per string, its index in {@link #atomlessGroups}, or -1; per group, whether a member is {@link #afterPass}. */
    final int[] atomlessGroupOf;
    final boolean[] groupHasAfterPass;
    /** Per atom-less group: the index of its filter's set in {@link #atomlessRunSets}, or -1 (not uniform, none). */
    final int[] atomlessRunClass;
    /** The sets of the uniform filters, each with its smallest ascii and wide depth (Integer.MAX_VALUE: none). */
    final long[][] atomlessRunSets;
    final int[][] atomlessRunDepths;
    private final int maxBack;
    private final int maxForward;
    /** Scan scratch reused from one scan to the next (tens of thousands of per-string slots, matcher memos). */
    final YaraScanScratch.Pool scratchPool;

    /**
     * The same patterns under another deferral, {@link Deferral#COUNTED} or {@link Deferral#OMITTED} (which differ
     * only in the engine's atoms); shares every table, the scratch pool included, instead of computing them again.
     */
    YaraPatterns withDeferral(Deferral deferral) {
        if (deferral == Deferral.NONE || !deferredAtomsKnown) {
            throw new IllegalArgumentException("only between COUNTED and OMITTED");
        }
        return new YaraPatterns(this, deferral);
    }

    private YaraPatterns(YaraPatterns base, Deferral deferral) {
        boolean omitsDeferred = deferral == Deferral.OMITTED;
        this.rules = base.rules;
        this.fastMode = base.fastMode;
        this.oneMatchEnough = base.oneMatchEnough;
        this.onlyAt = base.onlyAt;
        this.metadata = base.metadata;
        this.atomString = base.atomString;
        this.atomLocal = base.atomLocal;
        this.allAtoms = base.allAtoms;
        this.hitFilters = base.hitFilters;
        this.shared = base.shared;
        this.sharingRulesStart = base.sharingRulesStart;
        this.sharingRules = base.sharingRules;
        this.deferred = base.deferred;
        this.rulesWithDeferred = base.rulesWithDeferred;
        this.deferredSlot = base.deferredSlot;
        this.deferredFirstBytes = base.deferredFirstBytes;
        this.deferredReach = base.deferredReach;
        this.atomStartSpan = base.atomStartSpan;
        this.logsHits = base.logsHits;
        this.stringAtomsStart = base.stringAtomsStart;
        this.stringAtoms = base.stringAtoms;
        this.publicRules = base.publicRules;
        this.atomless = base.atomless;
        this.atomlessGroups = base.atomlessGroups;
        this.atomlessFilters = base.atomlessFilters;
        this.atomlessFirstBytes = base.atomlessFirstBytes;
        this.atomlessRunClass = base.atomlessRunClass;
        this.atomlessRunSets = base.atomlessRunSets;
        this.atomlessRunDepths = base.atomlessRunDepths;
        this.requiredOf = base.requiredOf;
        this.afterPass = base.afterPass;
        this.afterPassStrings = base.afterPassStrings;
        this.atomlessGroupOf = base.atomlessGroupOf;
        this.groupHasAfterPass = base.groupHasAfterPass;
        this.maxBack = base.maxBack;
        this.maxForward = base.maxForward;
        this.scratchPool = base.scratchPool;
        this.deferredAtomsKnown = true;
        this.omitsDeferred = omitsDeferred;
        this.atoms = omitsDeferred ? base.allAtoms.subList(0, base.engineAtoms) : base.allAtoms;
        this.engineAtoms = base.engineAtoms;
    }

    /** Whether deferred strings were found (not {@link Deferral#NONE}), so that {@link #withDeferral} applies. */
    private final boolean deferredAtomsKnown;
    /** How many atoms come before the deferred strings' in {@link #allAtoms}. */
    private final int engineAtoms;

    /** What the pass does with the strings that conditions only ask about at one offset each ({@link #deferred}). */
    enum Deferral {
        /** Verifies them like the others: for scans that report the string matches of the rules that did not match. */
        NONE,
        /** Finds their atoms and counts the hits without verifying them. */
        COUNTED,
        /**
         * Leaves their atoms out. Only for data where none of them can reach the match cap, so that their hits need
         * no counting: data under a million bytes, or larger data for which {@link #deferredBelowCap} holds.
         */
        OMITTED
    }

    /** Whether the deferred strings' atoms are left out of the pass ({@link Deferral#OMITTED}). */
    final boolean omitsDeferred;

    YaraPatterns(YaraRules rules, boolean fastMode, Deferral deferral) {
        this.rules = rules;
        this.omitsDeferred = deferral == Deferral.OMITTED;
        boolean defer = deferral != Deferral.NONE;
        this.deferredAtomsKnown = defer;
        this.fastMode = fastMode;
        CompiledString[] strings = rules.strings;
        this.oneMatchEnough = new boolean[strings.length];
        this.onlyAt = new long[strings.length];
        for (int s = 0; s < strings.length; s++) {
            oneMatchEnough[s] = !rules.program.needsAllMatches(s);
            onlyAt[s] = strings[s].isLiteral() ? rules.program.fixedOffset(s)
                    : dev.vigil.yara.strings.StringMatches.ANYWHERE;
        }
        var compiled = rules.program.rules();
        this.shared = shareIdentical(compiled, strings.length, onlyAt, fastMode ? oneMatchEnough : null);
        int[] ruleCount = new int[strings.length + 1];
        for (CompiledRule r : compiled) {
            for (int idx : r.stringIndexes()) {
                ruleCount[shared[idx] + 1]++;
            }
        }
        for (int i = 0; i < strings.length; i++) {
            ruleCount[i + 1] += ruleCount[i];
        }
        this.sharingRulesStart = ruleCount.clone();
        this.sharingRules = new int[ruleCount[strings.length]];
        for (int r = 0; r < compiled.size(); r++) {
            for (int idx : compiled.get(r).stringIndexes()) {
                sharingRules[ruleCount[shared[idx]]++] = r; // a rule with one text twice is listed twice
            }
        }
        this.deferred = new boolean[strings.length];
        if (defer) {
            for (int s = 0; s < strings.length; s++) {
                deferred[s] = shared[s] == s && !strings[s].atoms().isEmpty() && strings[s].oneHitFindsMatch();
            }
            for (int s = 0; s < strings.length; s++) {
                if (!rules.program.atOnly(s)) {
                    deferred[shared[s]] = false;
                }
            }
        }
        this.deferredSlot = new int[strings.length];
        int deferredCount = 0;
        for (int s = 0; s < strings.length; s++) {
            deferredSlot[s] = deferred[s] ? deferredCount++ : -1;
        }
        this.deferredFirstBytes = new long[4 * deferredCount];
        this.deferredReach = new int[2 * deferredCount];
        for (int s = 0; s < strings.length; s++) {
            int slot = deferredSlot[s];
            if (slot >= 0) {
                strings[s].firstBytes(deferredFirstBytes, 4 * slot);
                deferredReach[2 * slot] = strings[s].maxBack();
                deferredReach[2 * slot + 1] = strings[s].maxForward();
            }
        }
        // the engine's atoms first, then those of the deferred strings (for the checks and searches outside the pass)
        int[] slots = new int[strings.length];
        int slotCount = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int s = 0; s < strings.length; s++) {
                if (shared[s] == s && deferred[s] == (pass == 1)) {
                    slots[slotCount++] = s;
                }
            }
        }
        int firstDeferredAtom = -1;
        List<byte[]> all = new ArrayList<>();
        int[] owner = new int[16];
        int[] local = new int[16];
        int[] none = new int[strings.length];
        int noneCount = 0;
        int back = 0;
        int forward = 0;
        for (int i = 0; i < slotCount; i++) {
            int s = slots[i];
            if (deferred[s] && firstDeferredAtom < 0) {
                firstDeferredAtom = all.size();
            }
            List<byte[]> own = strings[s].atoms();
            if (own.isEmpty()) {
                none[noneCount++] = s;
            }
            for (int a = 0; a < own.size(); a++) {
                if (all.size() == owner.length) {
                    owner = Arrays.copyOf(owner, owner.length * 2);
                    local = Arrays.copyOf(local, local.length * 2);
                }
                owner[all.size()] = s;
                local[all.size()] = a;
                all.add(own.get(a));
            }
            back = Math.max(back, strings[s].maxBack());
            forward = Math.max(forward, strings[s].maxForward());
        }
        this.allAtoms = List.copyOf(all);
        this.engineAtoms = firstDeferredAtom < 0 ? all.size() : firstDeferredAtom;
        this.atoms = omitsDeferred ? allAtoms.subList(0, engineAtoms) : allAtoms;
        this.stringAtomsStart = new int[strings.length + 1];
        for (int a = 0; a < all.size(); a++) {
            stringAtomsStart[owner[a] + 1]++;
        }
        for (int s = 0; s < strings.length; s++) {
            stringAtomsStart[s + 1] += stringAtomsStart[s];
        }
        this.stringAtoms = new int[all.size()];
        int[] fill = stringAtomsStart.clone();
        for (int a = 0; a < all.size(); a++) {
            stringAtoms[fill[owner[a]]++] = a;
        }
        this.atomStartSpan = new int[all.size()];
        this.logsHits = new boolean[strings.length];
        for (int a = 0; a < all.size(); a++) {
            atomStartSpan[a] = strings[owner[a]].startSpan(local[a]);
            logsHits[owner[a]] |= atomStartSpan[a] >= MIN_LOGGED_SPAN;
        }
        this.rulesWithDeferred = new long[(compiled.size() + 63) >>> 6];
        for (int s = 0; s < strings.length; s++) {
            if (deferred[s]) {
                for (int i = sharingRulesStart[s]; i < sharingRulesStart[s + 1]; i++) {
                    rulesWithDeferred[sharingRules[i] >>> 6] |= 1L << sharingRules[i];
                }
            }
        }
        this.atomString = Arrays.copyOf(owner, all.size());
        this.atomLocal = Arrays.copyOf(local, all.size());
        this.atomless = Arrays.copyOf(none, noneCount);
        Map<StartFilter, List<Integer>> byFilter = new LinkedHashMap<>();
        List<int[]> groups = new ArrayList<>();
        List<StartFilter> filters = new ArrayList<>();
        for (int s : atomless) {
            StartFilter f = strings[s].startFilter();
            if (f == null) {
                groups.add(new int[] {s});
                filters.add(null);
            } else {
                byFilter.computeIfAbsent(f, x -> new ArrayList<>()).add(s);
            }
        }
        byFilter.forEach((f, members) -> {
            groups.add(members.stream().mapToInt(Integer::intValue).toArray());
            filters.add(f);
        });
        this.atomlessGroups = groups.toArray(new int[0][]);
        this.atomlessFilters = filters.toArray(new StartFilter[0]);
        // Uniform filters (one set at every depth) read the runs of their set, found once per block for all of them
        // (SetRuns); the others share one pass that finds the bytes their starts can begin with.
        this.atomlessRunClass = new int[atomlessFilters.length];
        Map<List<Long>, Integer> runClasses = new LinkedHashMap<>();
        List<long[]> runSets = new ArrayList<>();
        List<int[]> runDepths = new ArrayList<>();
        for (int g = 0; g < atomlessFilters.length; g++) {
            StartFilter f = atomlessFilters[g];
            atomlessRunClass[g] = -1;
            if (f == null || !f.uniform()) {
                continue;
            }
            long[] set = f.firstSet();
            int c = runClasses.computeIfAbsent(Arrays.stream(set).boxed().toList(), k -> {
                runSets.add(set);
                runDepths.add(new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE});
                return runSets.size() - 1;
            });
            atomlessRunClass[g] = c;
            int[] depths = runDepths.get(c);
            if (f.ascii()) {
                depths[0] = Math.min(depths[0], f.depth());
            }
            if (f.wide()) {
                depths[1] = Math.min(depths[1], f.depth());
            }
        }
        this.atomlessRunSets = runSets.toArray(new long[0][]);
        this.atomlessRunDepths = runDepths.toArray(new int[0][]);
        // An atom-less string (read at every offset) whose every rule also requires a string with atoms is searched
        // after the pass (see afterPass). Only required strings that the pass verifies count: those with atoms that
        // are not deferred.
        boolean[] isAtomless = new boolean[strings.length];
        for (int s : atomless) {
            isAtomless[s] = true;
        }
        this.requiredOf = new int[compiled.size()][];
        for (int r = 0; r < compiled.size(); r++) {
            int[] req = rules.program.requiredStrings(r);
            int n = 0;
            for (int g : req) {
                int s = shared[g];
                if (!isAtomless[s] && !deferred[s]) {
                    req[n++] = s;
                }
            }
            requiredOf[r] = Arrays.copyOf(req, n);
        }
        this.afterPass = new boolean[strings.length];
        List<Integer> afterPassList = new ArrayList<>();
        for (int s : atomless) {
            boolean eligible = sharingRulesStart[s] < sharingRulesStart[s + 1];
            for (int k = sharingRulesStart[s]; k < sharingRulesStart[s + 1] && eligible; k++) {
                eligible = requiredOf[sharingRules[k]].length > 0;
            }
            if (eligible) {
                afterPass[s] = true;
                afterPassList.add(s);
            }
        }
        this.afterPassStrings = afterPassList.stream().mapToInt(Integer::intValue).toArray();
        this.atomlessGroupOf = new int[strings.length];
        Arrays.fill(atomlessGroupOf, -1);
        this.groupHasAfterPass = new boolean[atomlessGroups.length];
        for (int g = 0; g < atomlessGroups.length; g++) {
            for (int member : atomlessGroups[g]) {
                atomlessGroupOf[member] = g;
                groupHasAfterPass[g] |= afterPass[member];
            }
        }
        long[] firstBytes = null;
        for (StartFilter f : atomlessFilters) {
            if (f != null && !f.uniform()) {
                firstBytes = firstBytes == null ? new long[4] : firstBytes;
                long[] set = f.firstSet();
                for (int w = 0; w < 4; w++) {
                    firstBytes[w] |= set[w];
                }
            }
        }
        this.atomlessFirstBytes = firstBytes;
        this.hitFilters = new long[3 * all.size()];
        int at = 0;
        for (int i = 0; i < slotCount; i++) {
            for (HitFilter f : strings[slots[i]].hitFilters()) {
                if (f != null) {
                    hitFilters[3 * at] = f.place();
                    hitFilters[3 * at + 1] = f.mask();
                    hitFilters[3 * at + 2] = f.value();
                }
                at++;
            }
        }
        this.maxBack = back;
        int[] shown = new int[compiled.size()];
        int shownCount = 0;
        for (int r = 0; r < compiled.size(); r++) {
            if (!compiled.get(r).isPrivate()) {
                shown[shownCount++] = r;
            }
        }
        this.publicRules = Arrays.copyOf(shown, shownCount);
        this.maxForward = forward;
        List<List<RuleMatch.Meta>> metas = new ArrayList<>(compiled.size());
        for (var r : compiled) {
            List<RuleMatch.Meta> m = new ArrayList<>(r.metas().size());
            r.metas().forEach(meta -> m.add(new RuleMatch.Meta(meta.key(), meta.value())));
            metas.add(List.copyOf(m));
        }
        this.metadata = List.copyOf(metas);
        this.scratchPool = new YaraScanScratch.Pool(strings.length, compiled.size());
    }

    /**
     * What decides a string's matches, apart from where it is declared and whether it is private. A plain class with
     * its hash computed once: a record's equals and hashCode go through method handles, which a cold JVM runs
     * slowly, and this key is made for each of the tens of thousands of strings of a large rule set.
     */
    private static final class MatchKey {
        private final StringDecl.Kind kind;
        private final byte[] text;
        private final String source;
        /** The flags and modifiers that matter, as bits, and the xor range. */
        private final int flags;
        private final int xorRange;
        private final byte[] base64Alphabet;
        private final byte[] base64WideAlphabet;
        private final long onlyAt;
        private final int hash;

        MatchKey(StringDecl d, long onlyAt, boolean oneMatchEnough) {
            StringModifiers m = d.modifiers();
            this.kind = d.kind();
            this.text = d.text();
            this.source = d.source();
            this.flags = (d.nocaseFlag() ? 1 : 0) | (d.dotAllFlag() ? 2 : 0) | (m.nocase() ? 4 : 0)
                    | (m.ascii() ? 8 : 0) | (m.wide() ? 16 : 0) | (m.fullword() ? 32 : 0) | (m.xor() ? 64 : 0)
                    | (m.base64() ? 128 : 0) | (m.base64Wide() ? 256 : 0) | (oneMatchEnough ? 512 : 0);
            this.xorRange = m.xorMin() << 16 | m.xorMax();
            this.base64Alphabet = m.base64Alphabet();
            this.base64WideAlphabet = m.base64WideAlphabet();
            this.onlyAt = onlyAt;
            int h = kind.ordinal();
            h = 31 * h + Arrays.hashCode(text);
            h = 31 * h + (source == null ? 0 : source.hashCode());
            h = 31 * h + flags;
            h = 31 * h + xorRange;
            h = 31 * h + Arrays.hashCode(base64Alphabet);
            h = 31 * h + Arrays.hashCode(base64WideAlphabet);
            this.hash = 31 * h + Long.hashCode(onlyAt);
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof MatchKey k && hash == k.hash && kind == k.kind && flags == k.flags
                    && xorRange == k.xorRange && onlyAt == k.onlyAt && Arrays.equals(text, k.text)
                    && java.util.Objects.equals(source, k.source) && Arrays.equals(base64Alphabet, k.base64Alphabet)
                    && Arrays.equals(base64WideAlphabet, k.base64WideAlphabet);
        }
    }

    private static int[] shareIdentical(List<CompiledRule> compiled, int stringCount, long[] onlyAt,
                                        boolean[] oneMatchEnough) {
        int[] shared = new int[stringCount];
        Map<MatchKey, Integer> first = new HashMap<>(2 * stringCount);
        for (CompiledRule r : compiled) {
            List<StringDecl> decls = r.strings();
            int[] indexes = r.stringIndexes();
            for (int k = 0; k < decls.size(); k++) {
                int idx = indexes[k];
                MatchKey key = new MatchKey(decls.get(k), onlyAt[idx], oneMatchEnough != null && oneMatchEnough[idx]);
                Integer earlier = first.putIfAbsent(key, idx);
                shared[idx] = earlier == null ? idx : earlier;
            }
        }
        return shared;
    }

    @Override
    public List<byte[]> atoms() {
        return atoms;
    }

    @Override
    public long[] atomFilters() {
        return hitFilters;
    }

    @Override
    public boolean needsEveryOffset() {
        return atomless.length > 0;
    }

    @Override
    public int signatureCount() {
        return rules.reportableRuleCount();
    }

    @Override
    public int maxBack() {
        return maxBack;
    }

    @Override
    public int maxForward() {
        return maxForward;
    }

    @Override
    public ExternalScan begin(long deadlineNanos) {
        return new YaraScanState(this, deadlineNanos, false);
    }

    /**
     * Whether no deferred string can reach the match cap in {@code input}, read through once: a deferred string's
     * count in the pass ({@code YaraScanState.count}) is at most the sum, over its atoms, of the atom's hits times
     * its start span, and an atom has at most as many hits as the data has of its first two bytes (of its byte,
     * for a one-byte atom). Then the pass need not find and count their atoms (OMITTED instead of COUNTED): over
     * the benchmark corpus, half of Yara-Rules' 47 million atom hits were deferred strings' in data over a million
     * bytes, and 34 of its 36 such files pass this check (docs/yara.md).
     */
    boolean deferredBelowCap(ScanInput input) throws java.io.IOException {
        int[] keys = deferredBoundKeys();
        if (keys.length == 0) {
            return true;
        }
        long[] pairs = new long[65536]; // by first byte | second byte << 8
        long[] bytes = new long[256];
        byte[] buf = new byte[1 << 18];
        long size = input.size();
        int prev = -1;
        for (long pos = 0; pos < size; ) {
            int n = input.read(pos, buf, 0, (int) Math.min(buf.length, size - pos));
            if (n <= 0) {
                break;
            }
            int i = 0;
            if (prev < 0) {
                prev = buf[0] & 0xFF;
                i = 1;
            }
            for (; i < n; i++) {
                int b = buf[i] & 0xFF;
                pairs[prev | b << 8]++;
                prev = b;
            }
            pos += n;
        }
        if (prev >= 0) {
            bytes[prev]++; // the last byte begins no pair
        }
        for (int v = 0; v < 65536; v++) {
            bytes[v & 0xFF] += pairs[v];
        }
        // keys: per deferred string, its atom count, then per atom its span and its key (pair, or 65536 + byte)
        for (int k = 0; k < keys.length; ) {
            int atomCount = keys[k++];
            long bound = 0;
            for (int a = 0; a < atomCount; a++, k += 2) {
                int key = keys[k + 1];
                bound += keys[k] * (key < 65536 ? pairs[key] : bytes[key - 65536]);
            }
            if (bound >= dev.vigil.yara.strings.StringMatches.MAX_MATCHES) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether counting the deferred strings' hits in the pass is likely to cost more than {@link #deferredBelowCap}'s
     * read (about 1 ns a byte; a counted hit costs about 20 ns, so above one hit in 20 bytes). Hits are estimated
     * with a rough model of executables, where 00 is a quarter of the bytes and FF a twenty-fifth: Yara-Rules'
     * PEiD-style strings (one-byte atoms among them) come to 0.14 hits a byte, signature-base's to 0.00002.
     */
    boolean boundCheckPays() {
        Boolean pays = boundCheckPays;
        if (pays == null) {
            double hits = 0;
            for (int s = 0; s < deferred.length; s++) {
                if (!deferred[s]) {
                    continue;
                }
                for (int i = stringAtomsStart[s]; i < stringAtomsStart[s + 1]; i++) {
                    double p = 1;
                    for (byte b : allAtoms.get(stringAtoms[i])) {
                        p *= b == 0 ? 0.25 : b == (byte) 0xFF ? 0.04 : 0.71 / 254;
                    }
                    hits += p;
                }
            }
            pays = hits >= 0.05;
            boundCheckPays = pays; // racing threads compute the same
        }
        return pays;
    }

    private volatile Boolean boundCheckPays;

    /** The deferred strings' atoms as {@link #deferredBelowCap} reads them, made on first use. */
    private int[] deferredBoundKeys() {
        int[] keys = boundKeys;
        if (keys == null) {
            int n = 0;
            for (int s = 0; s < deferred.length; s++) {
                if (deferred[s]) {
                    n += 1 + 2 * (stringAtomsStart[s + 1] - stringAtomsStart[s]);
                }
            }
            keys = new int[n];
            int k = 0;
            for (int s = 0; s < deferred.length; s++) {
                if (!deferred[s]) {
                    continue;
                }
                keys[k++] = stringAtomsStart[s + 1] - stringAtomsStart[s];
                for (int i = stringAtomsStart[s]; i < stringAtomsStart[s + 1]; i++) {
                    int a = stringAtoms[i];
                    byte[] atom = allAtoms.get(a);
                    keys[k++] = atomStartSpan[a];
                    keys[k++] = atom.length >= 2 ? (atom[0] & 0xFF) | (atom[1] & 0xFF) << 8 : 65536 + (atom[0] & 0xFF);
                }
            }
            boundKeys = keys; // racing threads make equal arrays
        }
        return keys;
    }

    private volatile int[] boundKeys;

    /** These patterns, with scans that also keep the string matches of rules that did not match. */
    ExternalPatterns keepingNotMatchingStrings() {
        YaraPatterns base = this;
        return new ExternalPatterns() {
            @Override
            public List<byte[]> atoms() {
                return base.atoms();
            }

            @Override
            public long[] atomFilters() {
                return base.atomFilters();
            }

            @Override
            public boolean needsEveryOffset() {
                return base.needsEveryOffset();
            }

            @Override
            public int signatureCount() {
                return base.signatureCount();
            }

            @Override
            public int maxBack() {
                return base.maxBack();
            }

            @Override
            public int maxForward() {
                return base.maxForward();
            }

            @Override
            public ExternalScan begin(long deadlineNanos) {
                return new YaraScanState(base, deadlineNanos, true);
            }
        };
    }
}
