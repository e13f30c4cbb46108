package dev.vigil.difftest;

import java.util.List;

/** One finished clamscan process: the command, its exit code and both output streams. */
public record ClamscanRun(List<String> command, int exitCode, String stdout, String stderr) {

    /** The command as a shell line, for failure messages that someone may want to rerun by hand. */
    public String commandLine() {
        return String.join(" ", command);
    }
}
