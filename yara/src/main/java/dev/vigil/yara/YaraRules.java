package dev.vigil.yara;

import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanLimits;
import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.yara.condition.CompiledRule;
import dev.vigil.yara.condition.CompiledRuleSet;
import dev.vigil.yara.strings.CompiledString;
import dev.vigil.yara.strings.StringMatches;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** A compiled, immutable, thread-safe YARA rule set. */
public final class YaraRules {
    final CompiledRuleSet program;
    final CompiledString[] strings;
    /** The patterns for engines that hold other signatures too; made on first use. */
    private volatile YaraPatterns patterns;
    private final int reportable;
    /** Engines for {@link #scan}, made on first use, one per combination of fast mode and {@link YaraPatterns.Deferral}. */
    private final java.util.concurrent.atomic.AtomicReferenceArray<Scanner> engines =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(2 * YaraPatterns.Deferral.values().length);

    private record Scanner(YaraPatterns patterns, Engine engine) {
    }

    YaraRules(CompiledRuleSet program, CompiledString[] strings) {
        this.program = program;
        this.strings = strings;
        int n = 0;
        for (CompiledRule r : program.rules()) {
            if (!r.isPrivate()) {
                n++;
            }
        }
        this.reportable = n;
    }

    /** Number of rules, private ones included. */
    public int ruleCount() {
        return program.rules().size();
    }

    int reportableRuleCount() {
        return reportable;
    }

    /**
     * These rules as patterns for an engine that also holds other signatures, so that one pass serves all of them
     * ({@code Engine.builder().add(rules.patterns())}). Each matching non-private rule is a detection named
     * {@code YARA.<rule>.UNOFFICIAL}, as clamscan names YARA rules; the scan result's report is a
     * {@link YaraScanResult}.
     */
    public ExternalPatterns patterns() {
        YaraPatterns p = patterns;
        if (p == null) {
            // racing threads may each build one; any of them serves
            p = new YaraPatterns(this, false, YaraPatterns.Deferral.COUNTED);
            patterns = p;
        }
        return p;
    }

    /** Scans bytes with these rules alone. */
    public YaraScanResult scan(byte[] data, YaraScanOptions options) {
        try {
            return scan(ScanInput.of(data), options);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Scans a file with these rules alone, in bounded memory. */
    public YaraScanResult scan(Path file, YaraScanOptions options) throws IOException {
        try (ScanInput in = dev.vigil.engine.io.FileInput.open(file)) {
            return scan(in, options);
        }
    }

    /**
     * The engine {@link #scan} uses for these options and data of this size, and its patterns; made on first use.
     * Scans that keep the string matches of the rules that did not match verify every string in the pass; the
     * others leave the deferred strings' atoms out of it where the data is too small for the match cap, or where
     * a count of its byte pairs shows that none of them can reach it ({@link YaraPatterns#deferredBelowCap}: data up
     * to {@link #BOUND_CHECK_MAX} bytes, read once more, where counting their hits would likely cost more).
     */
    private Scanner scanner(YaraScanOptions options, ScanInput input) throws IOException {
        return scanner(options, deferral(options, input));
    }

    /** How the pass treats the deferred strings for these options and this data (see {@link #scanner}). */
    YaraPatterns.Deferral deferral(YaraScanOptions options, ScanInput input) throws IOException {
        long size = input.size();
        if (options.notMatchingStrings()) {
            return YaraPatterns.Deferral.NONE;
        }
        if (size < StringMatches.MAX_MATCHES) {
            return YaraPatterns.Deferral.OMITTED;
        }
        // The check needs the deferred strings only, which both twins share: the patterns of whichever engine is
        // built already (a tree's small files have built OMITTED's), else of COUNTED's, the one large data needs
        // where the check does not pay or fails. Building another engine only to ask would be start-up work.
        Scanner built = engines.get(engineKind(options, YaraPatterns.Deferral.OMITTED));
        YaraPatterns p = (built != null ? built : scanner(options, YaraPatterns.Deferral.COUNTED)).patterns();
        return size <= BOUND_CHECK_MAX && p.boundCheckPays() && p.deferredBelowCap(input)
                ? YaraPatterns.Deferral.OMITTED : YaraPatterns.Deferral.COUNTED;
    }

    /**
     * Data up to this size is read once before the pass to see whether deferred strings need counting in it
     * ({@link #scanner}); about 1 ns a byte, where counting cost 8 ns a byte over the benchmark corpus's large files.
     * Past it, the pass counts them: a second read of a very large file may come from the disk.
     */
    static final long BOUND_CHECK_MAX = 1L << 28;

    /** The index in {@link #engines} of the engine for these options and this deferral. */
    private static int engineKind(YaraScanOptions options, YaraPatterns.Deferral deferral) {
        return (options.fastMode() ? YaraPatterns.Deferral.values().length : 0) + deferral.ordinal();
    }

    private Scanner scanner(YaraScanOptions options, YaraPatterns.Deferral deferral) {
        int kind = engineKind(options, deferral);
        Scanner e = engines.get(kind);
        if (e == null) {
            // The patterns tell each scan's state which mode it is in, so each combination has its engine. Threads
            // that race here build one each; the first stored is kept.
            // COUNTED and OMITTED differ in the engine's atoms only: one is made from the other when there is one
            Scanner twin = deferral == YaraPatterns.Deferral.NONE ? null
                    : engines.get(engineKind(options, deferral == YaraPatterns.Deferral.OMITTED
                    ? YaraPatterns.Deferral.COUNTED : YaraPatterns.Deferral.OMITTED));
            YaraPatterns p = twin != null ? twin.patterns().withDeferral(deferral)
                    : new YaraPatterns(this, options.fastMode(), deferral);
            e = new Scanner(p, Engine.builder()
                    .add(options.notMatchingStrings() ? p.keepingNotMatchingStrings() : p).build());
            if (!engines.compareAndSet(kind, null, e)) {
                e = engines.get(kind);
            }
        }
        return e;
    }

    /**
     * The patterns behind the engine that scans data of this size with these options (for tests; large data gets
     * COUNTED, without the check of {@link #deferral}).
     */
    YaraPatterns scanPatterns(YaraScanOptions options, long size) {
        return scanner(options, options.notMatchingStrings() ? YaraPatterns.Deferral.NONE
                : size < StringMatches.MAX_MATCHES ? YaraPatterns.Deferral.OMITTED
                : YaraPatterns.Deferral.COUNTED).patterns();
    }

    private YaraScanResult scan(ScanInput input, YaraScanOptions options) throws IOException {
        Engine e = scanner(options, input).engine();
        ScanLimits limits = ScanLimits.NONE.withMaxScanTime(Duration.ofMillis(options.timeoutMillis()));
        ScanResult r = e.scan(input, new ScanOptions(true, limits));
        YaraScanResult report = (YaraScanResult) r.reports().get(0);
        if (r.limitExceeded() != null) {
            List<String> w = new java.util.ArrayList<>(report.warnings());
            w.add("scan stopped: " + r.limitExceeded());
            report = new YaraScanResult(report.matches(), report.notMatching(), w, report.console());
        }
        return report;
    }
}
