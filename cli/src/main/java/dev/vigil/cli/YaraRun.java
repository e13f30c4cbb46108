package dev.vigil.cli;

import dev.vigil.cli.YaraArgs.Opt;
import dev.vigil.yara.Diagnostic;
import dev.vigil.yara.RuleMatch;
import dev.vigil.yara.YaraCompileException;
import dev.vigil.yara.YaraCompiler;
import dev.vigil.yara.YaraRules;
import dev.vigil.yara.YaraScanOptions;
import dev.vigil.yara.YaraScanResult;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** One run of {@code vigil yara}: yara 4.5.2's behaviour, output and exit status for the options it parsed. */
final class YaraRun {
    static final String YARA_VERSION = "4.5.2";
    private static final int MAX_THREADS = 32;
    /** yara's default -a: effectively no limit. */
    private static final long DEFAULT_TIMEOUT_SECONDS = 1_000_000;
    /** yara builds paths in a buffer of this size; deeper paths (symlink loops) are not followed. */
    private static final int MAX_PATH = 4096;
    static final String USAGE = "Usage: yara [OPTION]... [NAMESPACE:]RULES_FILE... FILE | DIR | PID";

    private final YaraArgs args;
    private final Io io;
    private final YaraOutput.Detail detail;
    private final RuleSourceIndex ruleSources = new RuleSourceIndex();
    private final long limit;
    private long totalMatches;
    private long deadlineNanos;

    YaraRun(YaraArgs args, Io io) {
        this.args = args;
        this.io = io;
        this.detail = new YaraOutput.Detail(args.has(Opt.PRINT_NAMESPACE), args.has(Opt.PRINT_TAGS),
                args.has(Opt.PRINT_META), args.has(Opt.PRINT_STRINGS), args.has(Opt.PRINT_STRING_LENGTH),
                args.has(Opt.PRINT_XOR_KEY));
        this.limit = args.number(Opt.MAX_RULES, 0);
    }

    int run() {
        if (args.has(Opt.VERSION)) {
            io.out().print(YARA_VERSION + "\n");
            return 0;
        }
        if (args.has(Opt.HELP)) {
            io.out().print(YaraHelp.text(VigilVersion.get()));
            return 0;
        }
        long threads = args.number(Opt.THREADS, MAX_THREADS);
        if (threads > MAX_THREADS) {
            io.err().print("maximum number of threads is " + MAX_THREADS + "\n");
            return 1;
        }
        String unsupported = unsupported();
        if (args.has(Opt.MODULE_NAMES)) {
            return refuse(unsupported); // yara answers -M before it looks at the arguments
        }
        List<String> positional = args.positional();
        if (positional.size() < 2) {
            io.err().print("yara: wrong number of arguments\n" + USAGE + "\n\nTry `--help` for more options\n");
            return 1;
        }
        if (unsupported != null) {
            return refuse(unsupported);
        }
        if (args.has(Opt.COMPILED_RULES)) {
            return compiledRules(positional);
        }
        YaraRules rules = compile(positional.subList(0, positional.size() - 1));
        if (rules == null) {
            return 1;
        }
        long timeout = args.number(Opt.TIMEOUT, DEFAULT_TIMEOUT_SECONDS);
        deadlineNanos = System.nanoTime() + Math.min(timeout, Long.MAX_VALUE / 2_000_000_000L) * 1_000_000_000L;
        String target = positional.get(positional.size() - 1);
        Path targetPath = io.cwd().resolve(target);
        boolean isDirectory = Files.isDirectory(targetPath);
        if (args.has(Opt.SCAN_LIST) && isDirectory) {
            io.err().print("error: cannot use a directory as scan list.\n");
            return 1;
        }
        if (args.has(Opt.SCAN_LIST) || isDirectory) {
            return scanMany(rules, target, isDirectory, (int) Math.max(threads, 0));
        }
        return scanOne(rules, target, targetPath);
    }

    /** The options Vigil does not implement, with why, or null. */
    private String unsupported() {
        if (args.has(Opt.PRINT_MODULE_DATA)) {
            return "-D (--print-module-data) is not supported";
        }
        if (args.has(Opt.MODULE_NAMES)) {
            return "-M (--module-names) is not supported";
        }
        if (args.has(Opt.PRINT_STATS)) {
            return "-S (--print-stats) is not supported: Vigil's matcher has no Aho-Corasick statistics";
        }
        if (args.has(Opt.MODULE_DATA)) {
            return "-x (--module-data) is not supported: no module of Vigil takes extra data";
        }
        if (args.has(Opt.ATOM_QUALITY_TABLE)) {
            return "--atom-quality-table is not supported: Vigil chooses atoms its own way";
        }
        return null;
    }

    /** yarac's file header: "YARA", the format version, the buffer count. */
    private static final int YARAC_HEADER = 6;
    private static final int YARAC_VERSION = 21;
    private static final int YARAC_MAX_BUFFERS = 16;

    /**
     * -C: Vigil cannot load yarac's compiled rules (a dump of yara's own memory layout). Whatever yara would refuse
     * (several rule files, an unreadable or foreign file) it refuses with yara's message; a genuine yara 4.5 file gets a
     * clear refusal of its own. Exit status 1 either way, as yara's for a file it cannot load.
     */
    private int compiledRules(List<String> positional) {
        if (positional.size() != 2) {
            io.err().print("error: can't accept multiple rules files if one of them is in compiled form.\n");
            return 1;
        }
        byte[] header;
        Path file = io.cwd().resolve(positional.get(0));
        try (var in = Files.isDirectory(file) ? java.io.InputStream.nullInputStream() : Files.newInputStream(file)) {
            header = in.readNBytes(YARAC_HEADER); // a directory opens in C, and reads as nothing
        } catch (IOException | RuntimeException e) {
            io.err().print("could not open file\n");
            return 1;
        }
        if (header.length < YARAC_HEADER || header[0] != 'Y' || header[1] != 'A' || header[2] != 'R'
                || header[3] != 'A') {
            io.err().print("invalid compiled rules file.\n");
            return 1;
        }
        if (header[4] != YARAC_VERSION) {
            io.err().print("rules were compiled with a different version of YARA\n");
            return 1;
        }
        if ((header[5] & 0xff) > YARAC_MAX_BUFFERS) {
            io.err().print("invalid compiled rules file.\n");
            return 1;
        }
        return refuse("-C (--compiled-rules): Vigil does not read rules compiled by yarac; pass the rule sources "
                + "instead");
    }

    private int refuse(String why) {
        io.err().print("error: " + why + ".\n");
        return 1;
    }

    private YaraRules compile(List<String> ruleArgs) {
        YaraCompiler compiler = new YaraCompiler();
        for (String d : args.texts(Opt.DEFINE)) {
            int eq = d.indexOf('=');
            if (eq < 0) {
                // yara complains and then ignores this -d and every later one
                io.err().print("error: wrong syntax for `-d` option.\n");
                break;
            }
            compiler.defineExternal(d.substring(0, eq), YaraExternals.typed(d.substring(eq + 1)));
        }
        compiler.strictEscape(args.has(Opt.STRICT_ESCAPE));
        // yara compiles the files one by one and stops at the first it cannot open or that has errors; the
        // compiler stops at the first source with errors, so only an unreadable file needs handling here
        String stop = null; // what yara prints for the file it could not compile, which ends the list
        for (String arg : ruleArgs) {
            String namespace = "default";
            String file = arg;
            int colon = arg.indexOf(':');
            // a namespace prefix is only looked for when no file has the whole name
            if (colon >= 0 && !Files.exists(io.cwd().resolve(arg))
                    && !(colon + 1 < arg.length() && arg.charAt(colon + 1) == '\\')) {
                namespace = arg.substring(0, colon);
                file = arg.substring(colon + 1);
            }
            try {
                if (file.equals("-")) {
                    String source = new String(io.in().readAllBytes(), StandardCharsets.ISO_8859_1);
                    compiler.addSource(source, namespace, "-");
                    ruleSources.addSource(source, namespace, io.cwd(), 0);
                } else {
                    Path path = io.cwd().resolve(file);
                    if (Files.isDirectory(path)) {
                        // a directory opens in C; yara's lexer then fails to read it
                        stop = file + "(1): error: input in flex scanner failed";
                        break;
                    }
                    if (!Files.isReadable(path)) {
                        throw new IOException(file);
                    }
                    // diagnostics name the file as it was given, which the compiler takes from the path it gets
                    Path given = inProcessCwd() ? Path.of(file) : path;
                    compiler.addFile(given, namespace);
                    ruleSources.addFile(given, namespace);
                }
            } catch (IOException e) {
                stop = "error: could not open file: " + file;
                break;
            }
        }
        boolean quiet = args.has(Opt.NO_WARNINGS);
        YaraRules rules;
        try {
            rules = compiler.compile();
        } catch (YaraCompileException e) {
            rules = null;
        }
        // errors and warnings as yara's compiler callback prints them: in the order found
        for (Diagnostic d : compiler.diagnostics()) {
            if (d.severity() == Diagnostic.Severity.ERROR || !quiet) {
                io.err().print(d.format() + "\n");
            }
        }
        if (rules == null) {
            return null;
        }
        if (stop != null) {
            io.err().print(stop + "\n");
            return null;
        }
        if (!quiet && args.has(Opt.FAIL_ON_WARNINGS) && !compiler.warnings().isEmpty()) {
            return null;
        }
        return rules;
    }

    /** Whether relative paths mean the same to this process as to the command (false only in in-process tests). */
    private boolean inProcessCwd() {
        return io.cwd().equals(Path.of("").toAbsolutePath());
    }

    private static final String TIMED_OUT = "scanning timed out";
    private static final String TOO_MANY_MATCHES = "too many string matches in total (Vigil keeps "
            + dev.vigil.yara.strings.ScanScratch.MAX_STORED_MATCHES + " per file)";

    /**
     * Why the scan's result cannot be printed, or null: it hit the -a limit (the library says so in its warnings, as
     * "scan stopped: MaxScanTime"), or its strings matched more often than Vigil keeps matches per file (yara has no
     * such bound and would use gigabytes for them).
     */
    private static String stopped(YaraScanResult r) {
        for (String w : r.warnings()) {
            if (w.equals("scan stopped: MaxScanTime") || w.equals("scan timed out while evaluating conditions")) {
                return TIMED_OUT;
            }
            if (w.equals("scan stopped: MaxStringMatches")) {
                return TOO_MANY_MATCHES;
            }
        }
        return null;
    }

    private YaraScanOptions scanOptions() {
        long left = Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
        // -n prints the strings of rules that did not match (with -s); only then must the scan keep them
        return new YaraScanOptions(args.has(Opt.FAST_SCAN), left, args.has(Opt.NEGATE));
    }

    private int scanOne(YaraRules rules, String display, Path path) {
        YaraScanResult result;
        try {
            if (Files.isDirectory(path) || !Files.isReadable(path)) {
                throw new IOException(display);
            }
            result = rules.scan(path, scanOptions());
        } catch (IOException e) {
            io.err().print("error scanning " + display + ": could not open file\n");
            return 1;
        }
        String stopped = stopped(result);
        if (stopped != null) {
            // yara reports no rule of a scan that ran out of time
            io.err().print("error scanning " + display + ": " + stopped + "\n");
            return 1;
        }
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        long count = report(result, display, out, err);
        if (args.has(Opt.COUNT)) {
            out.append(count).append('\n');
        }
        io.out().print(out);
        io.err().print(err);
        return 0;
    }

    /** A directory or a scan list: files in yara's order, scanned on a pool, printed in that order. */
    private int scanMany(YaraRules rules, String target, boolean isDirectory, int threads) {
        List<String> files = new ArrayList<>();
        boolean listFailed = false;
        if (isDirectory) {
            walk(target, files);
        } else {
            listFailed = !readScanList(target, files);
        }
        if (threads == 0) {
            return listFailed ? 1 : 0; // yara would start no scanner at all
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "vigil-yara");
            t.setDaemon(true);
            return t;
        });
        try {
            Deque<Future<Outcome>> window = new ArrayDeque<>();
            int next = 0;
            while (next < files.size() || !window.isEmpty()) {
                while (next < files.size() && window.size() < threads * 4) {
                    String f = files.get(next++);
                    window.add(pool.submit(() -> scanForList(rules, f)));
                }
                Outcome o = window.poll().get();
                if (o == null) {
                    break; // past the deadline: yara stops taking files
                }
                print(o);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            io.err().print("error: " + e.getCause() + "\n");
        } finally {
            pool.shutdownNow();
        }
        return listFailed ? 1 : 0;
    }

    /** What one file of a directory scan produced; rendering happens in order, on the caller's thread. */
    private record Outcome(String display, YaraScanResult result, String error) {
    }

    private Outcome scanForList(YaraRules rules, String display) {
        if (System.nanoTime() >= deadlineNanos) {
            return null;
        }
        Path path = io.cwd().resolve(display);
        try {
            if (Files.isDirectory(path) || !Files.isReadable(path)) {
                throw new IOException(display);
            }
            YaraScanResult result = rules.scan(path, scanOptions());
            String stopped = stopped(result);
            return stopped != null ? new Outcome(display, null, stopped) : new Outcome(display, result, null);
        } catch (IOException e) {
            return new Outcome(display, null, "could not open file");
        } catch (RuntimeException | StackOverflowError e) {
            return new Outcome(display, null, "error: " + e);
        }
    }

    private void print(Outcome o) {
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        if (o.result() != null) {
            long count = report(o.result(), o.display(), out, err);
            if (args.has(Opt.COUNT)) {
                out.append(o.display()).append(": ").append(count).append('\n');
            }
        } else {
            if (args.has(Opt.COUNT)) {
                out.append(o.display()).append(": 0\n");
            }
            err.append("error scanning ").append(o.display()).append(": ").append(o.error()).append('\n');
        }
        io.out().print(out);
        io.err().print(err);
    }

    /**
     * Renders one scan as yara's callback does, in rule order; returns the number of matching rules (what -c
     * prints). Honours -l across files.
     */
    long report(YaraScanResult r, String display, StringBuilder out, StringBuilder err) {
        if (!args.has(Opt.NO_WARNINGS)) {
            r.warnings().forEach(w -> err.append(w).append('\n'));
        }
        if (!args.has(Opt.DISABLE_CONSOLE_LOGS)) {
            r.console().forEach(line -> out.append(line).append('\n'));
        }
        boolean negate = args.has(Opt.NEGATE);
        boolean countOnly = args.has(Opt.COUNT);
        long count = 0;
        for (Callback c : callbacks(r, negate)) {
            RuleMatch m = c.rule();
            // yara prints a non-matching rule under -n as fully as a matching one: tags, meta, and the matches its
            // strings had
            if (c.matching() != negate && !countOnly && shown(m.name(), m.tags())) {
                YaraOutput.ruleLine(out, detail, m.namespace(), m.name(), m.tags(), m.metadata(), display);
                YaraOutput.stringLines(out, detail, m, ruleSources);
            }
            if (c.matching()) {
                count++;
                totalMatches++;
            }
            // yara's callback answers "abort" once -l is reached, after every rule it is told about from then on
            if (limit != 0 && totalMatches >= limit) {
                break;
            }
        }
        return count;
    }

    /** One call of yara's scan callback: a rule and whether it matched. */
    private record Callback(RuleMatch rule, boolean matching) {
    }

    /**
     * The rules in the order yara's callback hears of them: declaration order, matching and non-matching
     * interleaved. Only -l makes the interleaving visible; without it, matches then non-matches will do.
     */
    private List<Callback> callbacks(YaraScanResult r, boolean negate) {
        // Without -n and -l a non-matching rule neither prints nor counts: its callbacks change nothing, and
        // building each (the result makes them on demand) cost every file thousands of objects. (Under -l, once
        // the limit is reached, the first rule told of ends the output, so there they still count.)
        List<Callback> out = new ArrayList<>();
        if (limit == 0) {
            r.matches().forEach(m -> out.add(new Callback(m, true)));
            if (negate) {
                r.notMatching().forEach(m -> out.add(new Callback(m, false)));
            }
            return out;
        }
        Map<String, Callback> byId = new LinkedHashMap<>();
        r.matches().forEach(m -> byId.put(m.namespace() + ":" + m.name(), new Callback(m, true)));
        r.notMatching().forEach(m -> byId.put(m.namespace() + ":" + m.name(), new Callback(m, false)));
        for (String id : ruleSources.declaredRules()) {
            Callback c = byId.remove(id);
            if (c != null) {
                out.add(c);
            }
        }
        out.addAll(byId.values()); // rules the source scan missed keep the result's order
        return out;
    }

    /** yara's -t and -i filters (an -i list overrides the -t verdict, as in yara). */
    private boolean shown(String name, List<String> tags) {
        boolean show = true;
        List<String> wantedTags = args.texts(Opt.TAG);
        if (!wantedTags.isEmpty()) {
            show = tags.stream().anyMatch(wantedTags::contains);
        }
        List<String> wantedNames = args.texts(Opt.IDENTIFIER);
        if (!wantedNames.isEmpty()) {
            show = wantedNames.contains(name);
        }
        return show;
    }

    /** yara's scan_dir: readdir order, "dir/name" paths, -z, -N and -r. */
    private void walk(String dir, List<String> files) {
        if (dir.length() >= MAX_PATH) {
            return;
        }
        List<String> names = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(io.cwd().resolve(dir))) {
            entries.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            return; // opendir failed: yara scans nothing there, silently
        }
        long skipLarger = args.number(Opt.SKIP_LARGER, 0);
        boolean follow = !args.has(Opt.NO_FOLLOW_SYMLINKS);
        for (String name : names) {
            String full = dir + "/" + name;
            Path p = io.cwd().resolve(full);
            if (Files.isSymbolicLink(p)) {
                if (!follow) {
                    continue;
                }
                try {
                    // yara reads only the first two bytes of the target to skip links to "." and "..", so it
                    // skips every link whose target starts with ".." (such as "../file") as well
                    String to = Files.readSymbolicLink(p).toString();
                    if (to.equals(".") || to.startsWith("..")) {
                        continue;
                    }
                } catch (IOException | RuntimeException e) {
                    continue;
                }
            }
            if (Files.isRegularFile(p)) {
                long size;
                try {
                    size = Files.size(p);
                } catch (IOException e) {
                    continue;
                }
                if (skipLarger <= 0 || skipLarger > size) {
                    files.add(full);
                } else {
                    io.err().print("skipping " + full + " (" + size + " bytes) because it's larger than "
                            + skipLarger + " bytes.\n");
                }
            } else if (args.has(Opt.RECURSIVE) && Files.isDirectory(p)) {
                walk(full, files);
            }
        }
    }

    private boolean readScanList(String list, List<String> files) {
        byte[] content;
        try {
            content = Files.readAllBytes(io.cwd().resolve(list));
        } catch (IOException | RuntimeException e) {
            io.err().print("error: could not open file \"" + list + "\".\n");
            return false;
        }
        Charset names = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        String text = new String(content, names);
        int start = 0;
        while (start < text.length()) {
            int nl = text.indexOf('\n', start);
            String line = text.substring(start, nl < 0 ? text.length() : nl);
            start = nl < 0 ? text.length() : nl + 1;
            if (!line.isEmpty() && Files.isDirectory(io.cwd().resolve(line))) {
                walk(line, files);
            } else {
                files.add(line);
            }
        }
        return true;
    }
}
