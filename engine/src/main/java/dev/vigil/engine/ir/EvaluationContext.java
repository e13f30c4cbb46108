package dev.vigil.engine.ir;

import dev.vigil.engine.exe.ExecutableInfo;
import dev.vigil.engine.io.ScanInput;

/**
 * What a scan offers to subsignatures evaluated after the byte pass (PCRE, byte-compare):
 * random access to the data and the matches of the other subsignatures.
 */
public interface EvaluationContext {

    ScanInput input();

    /** Size of the data in bytes. */
    long size();

    /**
     * The bytes of the data, from its start, that the pass read: {@link #size()} unless a limit (MaxScanSize,
     * MaxScanTime) stopped it early. Work after the pass must not read past them either, or the limit would only
     * have postponed the reading.
     */
    default long covered() {
        return size();
    }

    /** Executable headers, or null if the data is not a parsable PE/ELF/Mach-O file. */
    ExecutableInfo executable();

    /** How many times subsignature {@code index} of the current logical signature matched. */
    int matchCount(int index);

    /** Start offsets of the recorded matches of subsignature {@code index}, ascending (at most a bounded number). */
    long[] matchOffsets(int index);

    /**
     * Data larger than this is not searched by regular-expression subsignatures (clamd's PCREMaxFileSize;
     * 0 means no limit, as in ClamAV).
     */
    default long pcreMaxFileSize() {
        return dev.vigil.engine.ScanLimits.DEFAULT_PCRE_MAX_FILESIZE;
    }
}
