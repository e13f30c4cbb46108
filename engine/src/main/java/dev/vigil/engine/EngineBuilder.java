package dev.vigil.engine;

import dev.vigil.engine.ir.ContainerSignature;
import dev.vigil.engine.filetype.MagicRule;
import dev.vigil.engine.hash.HashSegment;
import dev.vigil.engine.hash.HashTables;
import dev.vigil.engine.match.CompiledSignatures;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.ExternalPatterns;
import dev.vigil.engine.ir.HashAlgorithm;
import dev.vigil.engine.ir.HashScope;
import dev.vigil.engine.ir.HashSignature;
import dev.vigil.engine.ir.LogicalSignature;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects signatures in the engine's IR from any number of readers, then compiles them once into an immutable
 * {@link Engine}. Body and logical signatures are compiled as they arrive and not kept (a large database would
 * otherwise hold its whole IR until the end); the atom choice and the final tables wait for {@link #build}.
 * Not thread-safe; the engine it builds is. A builder builds one engine.
 */
public final class EngineBuilder {
    final HashTables.Builder hashes = new HashTables.Builder();
    private final CompiledSignatures.Compiler compiler = new CompiledSignatures.Compiler();
    /** The first failure of the compiler, reported by {@link #build} as it was before compiling became eager. */
    private RuntimeException compileFailure;
    private int bodyCount;
    private int logicalCount;
    private Runnable betweenBuildStages = () -> { };
    final List<MagicRule> magic = new ArrayList<>();
    final List<String> sources = new ArrayList<>();
    final List<ExternalPatterns> externals = new ArrayList<>();
    final List<ContainerSignature> containerSignatures = new ArrayList<>();

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

    /**
     * Adds a hash signature read straight from a database line, without building a {@link HashSignature}: loaders
     * of millions of lines use this. {@code digest} holds the digest in its first {@code algorithm.length()} bytes
     * (it may be reused for the next call); the name is the UTF-8 bytes {@code name[nameFrom, nameTo)} followed by
     * {@code nameSuffix} (null for none).
     */
    public EngineBuilder addHash(HashScope scope, HashAlgorithm algorithm, byte[] digest, long size, byte[] name,
                                 int nameFrom, int nameTo, byte[] nameSuffix) {
        hashes.add(scope, algorithm, digest, size, name, nameFrom, nameTo, nameSuffix);
        return this;
    }

    /** An allow-list entry as {@link #allow(HashSignature)}, from a digest buffer as {@link #addHash}. */
    public EngineBuilder allowHash(HashAlgorithm algorithm, byte[] digest, long size) {
        hashes.allow(algorithm, digest, size);
        return this;
    }

    /**
     * Starts a hash segment: the hash signatures and allow-list entries added until {@link #endHashSegment()} are
     * kept together, so that a later build can take the finished segment over ({@link #addHashSegment}) when the
     * database file it came from did not change. Results do not depend on how signatures are split into segments.
     */
    public EngineBuilder beginHashSegment() {
        hashes.beginSegment();
        return this;
    }

    /** Ends the hash segment begun by {@link #beginHashSegment()} and returns it, built and immutable. */
    public HashSegment endHashSegment() {
        return hashes.endSegment();
    }

    /** Adds a hash segment built earlier, by this builder or another one, as if its signatures were added here. */
    public EngineBuilder addHashSegment(HashSegment segment) {
        hashes.addSegment(java.util.Objects.requireNonNull(segment, "segment"));
        return this;
    }

    public EngineBuilder add(BodySignature signature) {
        bodyCount++;
        if (compileFailure == null) {
            try {
                compiler.add(signature);
            } catch (RuntimeException e) {
                compileFailure = e;
            }
        }
        return this;
    }

    public EngineBuilder add(LogicalSignature signature) {
        logicalCount++;
        if (compileFailure == null) {
            try {
                compiler.add(signature);
            } catch (RuntimeException e) {
                compileFailure = e;
            }
        }
        return this;
    }

    /** Patterns matched in the same pass whose verification and reporting belong to their language (YARA rules). */
    public EngineBuilder add(ExternalPatterns patterns) {
        externals.add(patterns);
        return this;
    }

    /** A file-type magic rule (.ftm); rules added later take precedence over earlier and built-in ones. */
    /** Adds a container-metadata signature, which recursive scanning tests on every container entry. */
    public EngineBuilder add(ContainerSignature signature) {
        containerSignatures.add(signature);
        return this;
    }

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
        int n = hashes.count() + bodyCount + logicalCount;
        for (ExternalPatterns e : externals) {
            n += e.signatureCount();
        }
        return n;
    }

    public Engine build() {
        return new Engine(this);
    }

    /**
     * Runs {@code hook} before and between the stages of {@link #build} (hash tables, then patterns). A long-running
     * process that builds beside an engine in service uses it to collect one stage's garbage before the next.
     */
    public EngineBuilder betweenBuildStages(Runnable hook) {
        this.betweenBuildStages = java.util.Objects.requireNonNull(hook, "hook");
        return this;
    }

    CompiledSignatures compile() {
        if (compileFailure != null) {
            throw compileFailure;
        }
        betweenBuildStages.run();
        HashTables hashTables = hashes.build();
        betweenBuildStages.run();
        return compiler.build(hashTables, magic, externals);
    }
}
