package dev.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code vigil yara}: the {@code yara} 4.5.2 command line. Registered with picocli so that {@code vigil --help}
 * lists it, but {@link Main} hands it the raw arguments: yara's own parsing rules (see {@link YaraArgs}) differ from
 * picocli's ("--" is a file name, "@file" is not expanded, flags toggle once only).
 */
@Command(name = "yara", usageHelpAutoWidth = true,
        description = {"Scan with YARA rules, like yara 4.5.2 (same options, output and exit status).",
                "Run 'vigil yara --help' for the options."})
final class YaraCommand implements Callable<Integer> {
    private final Io io;

    @Parameters(arity = "0..*", paramLabel = "ARG")
    List<String> raw = new ArrayList<>();

    YaraCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        return run(raw, io);
    }

    static int run(List<String> argv, Io io) {
        YaraArgs args;
        try {
            args = YaraArgs.parse(argv);
        } catch (YaraArgs.Invalid e) {
            io.err().print(e.getMessage() + "\n");
            return 1;
        }
        try {
            return new YaraRun(args, io).run();
        } catch (RuntimeException | StackOverflowError e) {
            io.err().print("error: internal error: " + e + "\n");
            return 1;
        }
    }
}
