package dev.vigil.daemon;

import java.util.List;

/**
 * clamd 1.4's commands, in the order of its command table: that order decides prefix matches ("VERSIONCOMMANDS"
 * before "VERSION") and is the order VERSIONCOMMANDS lists them in.
 */
enum ClamdCommand {
    SCAN("SCAN", true, true),
    QUIT("QUIT", false, true),
    RELOAD("RELOAD", false, true),
    PING("PING", false, true),
    CONTSCAN("CONTSCAN", true, true),
    VERSIONCOMMANDS("VERSIONCOMMANDS", false, false),
    VERSION("VERSION", false, true),
    END("END", false, false),
    SHUTDOWN("SHUTDOWN", false, true),
    MULTISCAN("MULTISCAN", true, true),
    FILDES("FILDES", false, true),
    STATS("STATS", false, false),
    IDSESSION("IDSESSION", false, false),
    INSTREAM("INSTREAM", false, false),
    DETSTATSCLEAR("DETSTATSCLEAR", false, true),
    DETSTATS("DETSTATS", false, true),
    ALLMATCHSCAN("ALLMATCHSCAN", true, false),
    UNKNOWN("", false, false);

    /** What VERSIONCOMMANDS lists after "COMMANDS:". */
    static final String LIST;

    static {
        StringBuilder b = new StringBuilder();
        for (ClamdCommand c : values()) {
            if (c != UNKNOWN) {
                b.append(' ').append(c.word);
            }
        }
        LIST = b.toString();
    }

    private static final List<ClamdCommand> TABLE = List.of(values()).subList(0, values().length - 1);

    final String word;
    final boolean needsArgument;
    final boolean oldStyleAllowed;

    ClamdCommand(String word, boolean needsArgument, boolean oldStyleAllowed) {
        this.word = word;
        this.needsArgument = needsArgument;
        this.oldStyleAllowed = oldStyleAllowed;
    }

    /** A parsed command line: the command and its argument (null when it takes none). */
    record Parsed(ClamdCommand command, String argument) {
    }

    /**
     * Parses as clamd does: the first table entry that is a prefix of the line wins; a command that needs an argument
     * takes everything after the one character that follows its name (normally the space), one that needs none must
     * end there, and the commands that only exist in the prefixed protocol are unknown without the prefix.
     */
    static Parsed parse(String line, boolean oldStyle) {
        for (ClamdCommand c : TABLE) {
            if (line.startsWith(c.word)) {
                String rest = line.substring(c.word.length());
                if (c.needsArgument ? rest.isEmpty() : !rest.isEmpty()) {
                    return new Parsed(UNKNOWN, null);
                }
                if (oldStyle && !c.oldStyleAllowed) {
                    return new Parsed(UNKNOWN, null);
                }
                return new Parsed(c, c.needsArgument ? rest.substring(1) : null);
            }
        }
        return new Parsed(UNKNOWN, null);
    }

    /** Whether clamd accepts the command inside IDSESSION. */
    boolean allowedInSession() {
        return switch (this) {
            case FILDES, SCAN, END, INSTREAM, VERSION, PING, STATS, VERSIONCOMMANDS -> true;
            default -> false;
        };
    }
}
