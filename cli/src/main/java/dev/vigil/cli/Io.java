package dev.vigil.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;

/**
 * The process environment a command runs in, passed explicitly so that tests can run the command in-process:
 * the directory relative paths are resolved against, the standard streams, and whether stderr is a terminal.
 */
record Io(Path cwd, InputStream in, PrintStream out, PrintStream err, boolean errIsTerminal) {
}
