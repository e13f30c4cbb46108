package dev.vigil.cli;

import picocli.CommandLine;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The {@code vigil} command. */
public final class Main {
    /** Exit status for unusable command lines, as clamscan. */
    static final int USAGE_ERROR = 2;

    private Main() {
    }

    public static void main(String[] args) {
        // Paths are printed in the charset the JVM decodes file names with, so that they come out as they went in.
        Charset names = Charset.forName(System.getProperty("sun.jnu.encoding", "UTF-8"));
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, names);
        PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true, names);
        Io io = new Io(Path.of("").toAbsolutePath(), System.in, out, err, stderrIsTerminal());
        int status = run(args, io);
        out.flush();
        err.flush();
        System.exit(status);
    }

    /** Runs the command line in {@code io}; returns the exit status. */
    static int run(String[] args, Io io) {
        if (args.length > 0 && args[0].equals("yara")) {
            try {
                return YaraCommand.run(java.util.Arrays.asList(args).subList(1, args.length), io);
            } finally {
                io.out().flush();
                io.err().flush();
            }
        }
        ScanCommand plainScan = ScanArgsFastPath.parse(args, io);
        if (plainScan != null) {
            try {
                return plainScan.call();
            } catch (Exception ex) {
                return executionError(io, ex);
            } finally {
                io.out().flush();
                io.err().flush();
            }
        }
        String first = args.length > 0 ? args[0] : null;
        CommandLine cl = commandLine(io, SUBCOMMANDS.contains(first) ? first : null);
        CommandLine scan = cl.getSubcommands().get("scan");
        try {
            return cl.execute(scan == null ? args : ClamscanArgs.normalize(args, scan));
        } finally {
            io.out().flush();
            io.err().flush();
        }
    }

    /** The subcommands, by name, in the order {@code vigil --help} lists them. */
    private static final List<String> SUBCOMMANDS = List.of("scan", "yara", "compile", "daemon", "keys", "release",
            "update", "monitor", "witness");

    static CommandLine commandLine(Io io) {
        return commandLine(io, null);
    }

    /**
     * The command line with every subcommand, or with only {@code only} when it is not null. Picocli builds each
     * command's model by reflection when it is added, and building all of them took longer than loading a
     * compiled database (about 0.85 s of a cold start on one busy CPU), so a run builds only the command it runs.
     */
    static CommandLine commandLine(Io io, String only) {
        CommandLine cl = new CommandLine(new VigilCommand(io));
        for (String name : SUBCOMMANDS) {
            if (only == null || only.equals(name)) {
                cl.addSubcommand(subcommand(name, io));
            }
        }
        cl.setOverwrittenOptionsAllowed(true); // clamscan lets a flag be repeated; the last value wins
        cl.setOut(new PrintWriter(io.out(), true));
        cl.setErr(new PrintWriter(io.err(), true));
        cl.setParameterExceptionHandler((ex, ignored) -> {
            io.err().print("ERROR: " + ex.getMessage() + "\n");
            io.err().print("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.\n");
            return USAGE_ERROR;
        });
        cl.setExecutionExceptionHandler((ex, ignoredCl, ignoredResult) -> executionError(io, ex));
        return cl;
    }

    /** What a command that failed with {@code ex} prints, and its exit status. */
    private static int executionError(Io io, Exception ex) {
        io.err().print("ERROR: " + ex + "\n");
        return USAGE_ERROR;
    }

    private static CommandLine subcommand(String name, Io io) {
        return switch (name) {
            case "scan" -> new CommandLine(new ScanCommand(io));
            case "yara" -> new CommandLine(new YaraCommand(io));
            case "compile" -> new CommandLine(new CompileCommand(io));
            case "daemon" -> new CommandLine(new DaemonCommand(io));
            case "keys" -> new CommandLine(new KeysCommand(io))
                    .addSubcommand(new CommandLine(new KeysCommand.Generate(io)))
                    .addSubcommand(new CommandLine(new KeysCommand.Verifier(io)));
            case "release" -> new CommandLine(new ReleaseCommand(io));
            case "update" -> new CommandLine(new UpdateCommand(io));
            case "monitor" -> new CommandLine(new MonitorCommand(io));
            case "witness" -> new CommandLine(new WitnessCommand(io));
            default -> throw new IllegalArgumentException(name);
        };
    }

    /**
     * Whether fd 2 is a terminal: the launcher script knows it for sure ({@code [ -t 2 ]}); otherwise Linux tells
     * through /proc/self/fd/2. The JDK's Console only looks at stdin and stdout.
     */
    static boolean stderrIsTerminal() {
        String fromLauncher = System.getProperty("vigil.stderr.tty");
        if (fromLauncher != null) {
            return Boolean.parseBoolean(fromLauncher);
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (Exception e) {
            return false;
        }
    }
}
