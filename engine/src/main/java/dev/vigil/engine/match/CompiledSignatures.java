package dev.vigil.engine.match;

import dev.vigil.engine.ScanOptions;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.filetype.FileType;
import dev.vigil.engine.filetype.MagicRule;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.engine.ir.BodySignature;
import dev.vigil.engine.ir.HashSignature;
import dev.vigil.engine.ir.LogicalSignature;

import java.io.IOException;
import java.util.List;

/** All signatures of an engine in compiled form. */
public final class CompiledSignatures {

    public static CompiledSignatures compile(List<HashSignature> hashes, List<HashSignature> allowed,
                                             List<BodySignature> bodies, List<LogicalSignature> logicals,
                                             List<MagicRule> magic) {
        return new CompiledSignatures();
    }

    public ScanResult scan(ScanInput input, ScanOptions options) throws IOException {
        return new ScanResult(List.of(), FileType.BINARY_DATA, input.size(), 0, null); // TODO(engine)
    }
}
