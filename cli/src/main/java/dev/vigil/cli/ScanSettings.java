package dev.vigil.cli;

import dev.vigil.engine.ScanLimits;

import java.nio.file.Path;
import java.util.List;

/** Everything {@code vigil scan} was asked to do, independent of how it was parsed. */
record ScanSettings(List<String> paths, Path fileList, boolean recursive, List<Path> databases, boolean allMatch,
                    boolean infectedOnly, boolean suppressOk, boolean noSummary, boolean detectPua, boolean json,
                    boolean progress, ScanLimits limits, boolean alertExceedsMax, int maxDirRecursion,
                    Walker.LinkPolicy links, boolean crossFilesystems, int threads, List<Path> yaraRules,
                    int maxRecursion, int maxFiles, long maxEmbeddedPe, boolean scanArchives, boolean alertEncrypted) {

    /** The limits of recursive scanning, from the same options. */
    dev.vigil.unpack.UnpackLimits unpackLimits() {
        return dev.vigil.unpack.UnpackLimits.of(limits, maxRecursion, maxFiles, maxEmbeddedPe);
    }
}
