package dev.vigil.yara;

import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.yara.strings.CompiledString;
import dev.vigil.yara.strings.HitFilter;

import java.util.ArrayList;
import java.util.List;

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
    private final List<byte[]> atoms;
    /**
     * Per atom, three longs: the string's {@link dev.vigil.yara.strings.HitFilter} as (offset << 32 | minPos), mask,
     * value; a zero mask means none. Flat, so that a rejected hit reads one entry here and the data only.
     */
    final long[] hitFilters;
    /** Per string: the rule that declares it. */
    final int[] stringRule;
    /** The rules a scan reports (not private), in declaration order. */
    final int[] publicRules;
    /** Strings without a usable atom, verified at every offset. */
    final int[] atomless;
    private final int maxBack;
    private final int maxForward;
    /** Scan scratch reused from one scan to the next (tens of thousands of per-string slots, matcher memos). */
    final YaraScanScratch.Pool scratchPool;

    YaraPatterns(YaraRules rules, boolean fastMode) {
        this.rules = rules;
        this.fastMode = fastMode;
        CompiledString[] strings = rules.strings;
        this.oneMatchEnough = new boolean[strings.length];
        this.onlyAt = new long[strings.length];
        for (int s = 0; s < strings.length; s++) {
            oneMatchEnough[s] = !rules.program.needsAllMatches(s);
            onlyAt[s] = strings[s].isLiteral() ? rules.program.fixedOffset(s)
                    : dev.vigil.yara.strings.StringMatches.ANYWHERE;
        }
        List<byte[]> all = new ArrayList<>();
        int[] owner = new int[16];
        int[] local = new int[16];
        int[] none = new int[strings.length];
        int noneCount = 0;
        int back = 0;
        int forward = 0;
        for (int s = 0; s < strings.length; s++) {
            List<byte[]> own = strings[s].atoms();
            if (own.isEmpty()) {
                none[noneCount++] = s;
            }
            for (int a = 0; a < own.size(); a++) {
                if (all.size() == owner.length) {
                    owner = java.util.Arrays.copyOf(owner, owner.length * 2);
                    local = java.util.Arrays.copyOf(local, local.length * 2);
                }
                owner[all.size()] = s;
                local[all.size()] = a;
                all.add(own.get(a));
            }
            back = Math.max(back, strings[s].maxBack());
            forward = Math.max(forward, strings[s].maxForward());
        }
        this.atoms = List.copyOf(all);
        this.atomString = java.util.Arrays.copyOf(owner, all.size());
        this.atomLocal = java.util.Arrays.copyOf(local, all.size());
        this.atomless = java.util.Arrays.copyOf(none, noneCount);
        this.hitFilters = new long[3 * all.size()];
        int at = 0;
        for (CompiledString string : strings) {
            for (HitFilter f : string.hitFilters()) {
                if (f != null) {
                    hitFilters[3 * at] = f.place();
                    hitFilters[3 * at + 1] = f.mask();
                    hitFilters[3 * at + 2] = f.value();
                }
                at++;
            }
        }
        this.maxBack = back;
        var compiled = rules.program.rules();
        this.stringRule = new int[strings.length];
        int[] shown = new int[compiled.size()];
        int shownCount = 0;
        for (int r = 0; r < compiled.size(); r++) {
            for (int idx : compiled.get(r).stringIndexes()) {
                stringRule[idx] = r;
            }
            if (!compiled.get(r).isPrivate()) {
                shown[shownCount++] = r;
            }
        }
        this.publicRules = java.util.Arrays.copyOf(shown, shownCount);
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

    @Override
    public List<byte[]> atoms() {
        return atoms;
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
        return new YaraScanState(this, deadlineNanos);
    }
}
