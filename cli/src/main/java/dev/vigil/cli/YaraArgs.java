package dev.vigil.cli;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of {@code vigil yara}, parsed the way {@code yara} 4.5.2 parses its own (not picocli's way), so
 * that scripts written for yara behave the same: options and arguments may be mixed; short flags group ({@code -sm});
 * a short option that takes a value takes the next argument, and only when it ends its group; long options take
 * their value after {@code =}; numbers are read like C's {@code strtol} with base 0 ({@code 0x10}, {@code 010});
 * every option may be given once, except the repeatable -d, -i, -t and -x (32 times each).
 */
final class YaraArgs {

    enum Kind { FLAG, NUMBER, TEXT }

    /** yara's options, in yara's table order (the long-name lookup takes the first that fits). */
    enum Opt {
        ATOM_QUALITY_TABLE(0, "atom-quality-table", Kind.TEXT, 1),
        COMPILED_RULES('C', "compiled-rules", Kind.FLAG, 1),
        COUNT('c', "count", Kind.FLAG, 1),
        STRICT_ESCAPE('E', "strict-escape", Kind.FLAG, 1),
        DEFINE('d', "define", Kind.TEXT, 32),
        DISABLE_CONSOLE_LOGS('q', "disable-console-logs", Kind.FLAG, 1),
        FAIL_ON_WARNINGS(0, "fail-on-warnings", Kind.FLAG, 1),
        FAST_SCAN('f', "fast-scan", Kind.FLAG, 1),
        HELP('h', "help", Kind.FLAG, 1),
        IDENTIFIER('i', "identifier", Kind.TEXT, 32),
        MAX_PROCESS_MEMORY_CHUNK(0, "max-process-memory-chunk", Kind.NUMBER, 1),
        MAX_RULES('l', "max-rules", Kind.NUMBER, 1),
        MAX_STRINGS_PER_RULE(0, "max-strings-per-rule", Kind.NUMBER, 1),
        MODULE_DATA('x', "module-data", Kind.TEXT, 32),
        NEGATE('n', "negate", Kind.FLAG, 1),
        NO_FOLLOW_SYMLINKS('N', "no-follow-symlinks", Kind.FLAG, 1),
        NO_WARNINGS('w', "no-warnings", Kind.FLAG, 1),
        PRINT_META('m', "print-meta", Kind.FLAG, 1),
        PRINT_MODULE_DATA('D', "print-module-data", Kind.FLAG, 1),
        MODULE_NAMES('M', "module-names", Kind.FLAG, 1),
        PRINT_NAMESPACE('e', "print-namespace", Kind.FLAG, 1),
        PRINT_STATS('S', "print-stats", Kind.FLAG, 1),
        PRINT_STRINGS('s', "print-strings", Kind.FLAG, 1),
        PRINT_STRING_LENGTH('L', "print-string-length", Kind.FLAG, 1),
        PRINT_XOR_KEY('X', "print-xor-key", Kind.FLAG, 1),
        PRINT_TAGS('g', "print-tags", Kind.FLAG, 1),
        RECURSIVE('r', "recursive", Kind.FLAG, 1),
        SCAN_LIST(0, "scan-list", Kind.FLAG, 1),
        SKIP_LARGER('z', "skip-larger", Kind.NUMBER, 1),
        STACK_SIZE('k', "stack-size", Kind.NUMBER, 1),
        TAG('t', "tag", Kind.TEXT, 32),
        THREADS('p', "threads", Kind.NUMBER, 1),
        TIMEOUT('a', "timeout", Kind.NUMBER, 1),
        VERSION('v', "version", Kind.FLAG, 1);

        final char shortName;
        final String longName;
        final Kind kind;
        final int maxCount;

        Opt(int shortName, String longName, Kind kind, int maxCount) {
            this.shortName = (char) shortName;
            this.longName = longName;
            this.kind = kind;
            this.maxCount = maxCount;
        }
    }

    /** A command line yara rejects; the message is yara's, printed alone on stderr, exit status 1. */
    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<Opt, List<String>> given = new EnumMap<>(Opt.class);
    private final Map<Opt, Long> numbers = new EnumMap<>(Opt.class);
    private final List<String> positional = new ArrayList<>();

    private YaraArgs() {
    }

    static YaraArgs parse(List<String> argv) throws Invalid {
        YaraArgs a = new YaraArgs();
        for (int i = 0; i < argv.size(); i++) {
            String arg = argv.get(i);
            if (arg.length() > 2 && arg.startsWith("--")) {
                Opt opt = longOption(arg);
                if (opt == null) {
                    throw new Invalid("unknown option `" + arg + "`");
                }
                int eq = arg.indexOf('=');
                a.set(opt, eq < 0 ? null : arg.substring(eq + 1), arg);
            } else if (arg.length() > 1 && arg.charAt(0) == '-' && arg.charAt(1) != '-') {
                for (int j = 1; j < arg.length(); j++) {
                    Opt opt = shortOption(arg.charAt(j));
                    if (opt == null) {
                        throw new Invalid("unknown option `" + arg + "`");
                    }
                    if (j == arg.length() - 1) {
                        String next = i + 1 < argv.size() ? argv.get(i + 1) : null;
                        if (a.set(opt, next, arg)) {
                            i++;
                        }
                    } else {
                        a.set(opt, null, arg);
                    }
                }
            } else {
                // "-" (standard input) and even "--" are plain arguments for yara
                a.positional.add(arg);
            }
        }
        return a;
    }

    private static Opt longOption(String arg) {
        String body = arg.substring(2);
        for (Opt o : Opt.values()) {
            String n = o.longName;
            if (body.startsWith(n) && (body.length() == n.length() || body.charAt(n.length()) == '=')) {
                return o;
            }
        }
        return null;
    }

    private static Opt shortOption(char c) {
        for (Opt o : Opt.values()) {
            if (o.shortName != 0 && o.shortName == c) {
                return o;
            }
        }
        return null;
    }

    /** Records one occurrence; returns whether {@code value} was consumed. */
    private boolean set(Opt opt, String value, String arg) throws Invalid {
        List<String> values = given.computeIfAbsent(opt, o -> new ArrayList<>());
        if (values.size() == opt.maxCount) {
            throw new Invalid("too many `" + arg + "` options");
        }
        switch (opt.kind) {
            case FLAG -> {
                values.add("");
                return false;
            }
            case NUMBER -> {
                Long n = value == null ? null : CNumbers.strtol(value);
                if (n == null) {
                    throw new Invalid("option `" + arg + "` requires an integer argument");
                }
                numbers.put(opt, n);
                values.add(value);
                return true;
            }
            default -> {
                if (value == null) {
                    throw new Invalid("option `" + arg + "` requires a string argument");
                }
                values.add(value);
                return true;
            }
        }
    }

    boolean has(Opt opt) {
        return given.containsKey(opt);
    }

    /** The option's number, or {@code otherwise} when it was not given. */
    long number(Opt opt, long otherwise) {
        return numbers.getOrDefault(opt, otherwise);
    }

    /** Every value given to a repeatable text option, in order. */
    List<String> texts(Opt opt) {
        return List.copyOf(given.getOrDefault(opt, List.of()));
    }

    /** Rule files (with optional {@code namespace:} prefixes) followed by the target, as given. */
    List<String> positional() {
        return List.copyOf(positional);
    }
}
