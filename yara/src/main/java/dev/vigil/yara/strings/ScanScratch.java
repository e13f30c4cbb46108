package dev.vigil.yara.strings;

/**
 * Matcher scratch shared by every string of one scan, and reused by later scans. Verification runs one string at a
 * time, so one jump-matcher scratch (marked by generation) and a few NFA machines serve all strings: without sharing,
 * each string that reached a matcher allocated (and zeroed) its own arrays and start memos in every scanned file.
 * <p>
 * Not thread-safe, and one instance must belong to one live scan at a time (a scan nested in another, such as an
 * archive member, takes its own): {@link #begin} and {@link #end} bracket each scan.
 */
public final class ScanScratch {
    /** NFA machines per scan, picked by string index: neighbouring strings (one rule's) get different ones. */
    static final int MACHINES = 16;
    // Beyond these, scratch that one hostile or odd file made grow is dropped at the end of its scan.
    private static final int MAX_KEPT_JUMP_MARKS = 1 << 16;

    final JumpMatcher.Scratch jump = new JumpMatcher.Scratch();

    /**
     * The most string matches one scan keeps, all strings together: ten strings at yara's cap of a million each
     * ({@link StringMatches#MAX_MATCHES}). yara has no such bound; a hostile rule set (a thousand strings that match
     * at every offset) made it, and Vigil before the bound, use gigabytes per scanned file. About 13 bytes each, plus
     * the report's copy.
     */
    public static final long MAX_STORED_MATCHES = 10_000_000;
    /** Matches kept now by the scan's strings ({@link StringMatches} objects made with this scratch). */
    long storedMatches;
    /** Set once a match was refused for {@link #MAX_STORED_MATCHES}: the scan's string matches are incomplete. */
    boolean matchesFull;

    /** Whether this scan refused a match because its strings kept {@link #MAX_STORED_MATCHES} already. */
    public boolean matchesFull() {
        return matchesFull;
    }
    private final PikeVm[] machines = new PikeVm[MACHINES];

    PikeVm vm(int slot) {
        PikeVm vm = machines[slot];
        if (vm == null) {
            vm = new PikeVm();
            machines[slot] = vm;
        }
        return vm;
    }

    static int slotOf(int stringIndex) {
        return stringIndex & (MACHINES - 1);
    }

    /**
     * Before a scan: no run of an earlier scan may be taken over, since the same buffer object at the same offset
     * may hold other bytes now.
     */
    public void begin() {
        for (PikeVm vm : machines) {
            if (vm != null) {
                vm.forgetRuns();
            }
        }
    }

    /** After a scan: lets go of the scan's buffers and drops scratch that grew past what is worth keeping. */
    public void end() {
        storedMatches = 0;
        matchesFull = false;
        for (PikeVm vm : machines) {
            if (vm != null) {
                vm.forgetRuns();
                vm.trim();
            }
        }
        if (jump.marks.length > MAX_KEPT_JUMP_MARKS) {
            jump.marks = new int[0];
            jump.generation = 0;
        }
    }
}
