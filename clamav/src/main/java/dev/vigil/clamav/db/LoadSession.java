package dev.vigil.clamav.db;

import dev.vigil.clamav.LoadOptions;
import dev.vigil.engine.EngineBuilder;

/** State shared by the readers during one load: options, the target builder, ignore lists and the running count. */
public final class LoadSession {
    private final LoadOptions options;
    private final EngineBuilder builder;
    private final IgnoreList ignored = new IgnoreList();
    private int signatures;

    public LoadSession(LoadOptions options, EngineBuilder builder) {
        this.options = options;
        this.builder = builder;
    }

    public LoadOptions options() {
        return options;
    }

    public EngineBuilder builder() {
        return builder;
    }

    public IgnoreList ignored() {
        return ignored;
    }

    /** The engine's functionality level, as an unsigned comparison base. */
    public long flevel() {
        return options.engineLevel();
    }

    /** Counts signatures the way clamscan's "Known viruses" does. */
    public void counted(int n) {
        signatures += n;
    }

    public int signatures() {
        return signatures;
    }
}
