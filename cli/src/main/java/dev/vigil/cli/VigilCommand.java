package dev.vigil.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** The top-level {@code vigil} command; the work is done by its subcommands. */
@Command(name = "vigil", usageHelpAutoWidth = true,
        description = "Vigil: an open anti-malware scanner that reads ClamAV signature databases.",
        footer = {"", "Run 'vigil scan --help' for the scanner's options, 'vigil yara --help' for yara's.",
                "Transparent signature updates: vigil keys | release | witness | update | monitor (docs/transparency.md)."})
final class VigilCommand implements Callable<Integer> {
    private final Io io;

    @Option(names = {"-V", "--version"}, description = "Print Vigil's version and the built-in signature set.")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    VigilCommand(Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        if (version) {
            VersionReport.print(io.out(), List.of());
            io.out().flush();
            return 0;
        }
        io.err().print("Usage: vigil scan [OPTIONS] [PATH...]   or   vigil yara [OPTIONS] RULES_FILE... TARGET"
                + "   (vigil --help for more)\n");
        io.err().flush();
        return 2;
    }
}
