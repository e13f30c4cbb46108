package dev.vigil.yara.modules;

import dev.vigil.engine.io.ScanInput;

/** What a module may read when it loads for one scan. */
public interface ModuleContext {

    /** Random access to the scanned data. */
    ScanInput input();

    /** Size of the data in bytes. */
    long size();

    /** Where {@code console.log} writes; the CLI prints these lines like {@code yara} does. */
    void log(String line);
}
