package dev.vigil.engine;

import dev.vigil.engine.filetype.MagicRule;
import dev.vigil.engine.hash.HashTables;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.engine.ir.HashSignature;
import dev.vigil.engine.ir.LogicalSignature;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects signatures in the engine's IR from any number of readers, then compiles them once into an immutable
 * {@link Engine}. Not thread-safe; the engine it builds is.
 */
public final class EngineBuilder {
    final HashTables.Builder hashes = new HashTables.Builder();
    final List<BodySignature> bodies = new ArrayList<>();
    final List<LogicalSignature> logicals = new ArrayList<>();
    final List<MagicRule> magic = new ArrayList<>();
    final List<String> sources = new ArrayList<>();
    final List<ExternalPatterns> externals = new ArrayList<>();

    EngineBuilder() {
    }

    public EngineBuilder add(HashSignature signature) {
        hashes.add(signature);
        return this;
    }

    /** An allow-list entry (.fp/.sfp): a file with this hash is reported clean whatever else matches. */
    public EngineBuilder allow(HashSignature entry) {
        hashes.allow(entry);
        return this;
    }

    public EngineBuilder add(BodySignature signature) {
        bodies.add(signature);
        return this;
    }

    public EngineBuilder add(LogicalSignature signature) {
        logicals.add(signature);
        return this;
    }

    /** Patterns matched in the same pass whose verification and reporting belong to their language (YARA rules). */
    public EngineBuilder add(ExternalPatterns patterns) {
        externals.add(patterns);
        return this;
    }

    /** A file-type magic rule (.ftm); rules added later take precedence over earlier and built-in ones. */
    public EngineBuilder add(MagicRule rule) {
        magic.add(rule);
        return this;
    }

    /** Records a human-readable description of a loaded source (file name and version) for version reports. */
    public EngineBuilder source(String description) {
        sources.add(description);
        return this;
    }

    /** Number of detection signatures added so far (what clamscan reports as "Known viruses"). */
    public int signatureCount() {
        int n = hashes.count() + bodies.size() + logicals.size();
        for (ExternalPatterns e : externals) {
            n += e.signatureCount();
        }
        return n;
    }

    public Engine build() {
        return new Engine(this);
    }
}
