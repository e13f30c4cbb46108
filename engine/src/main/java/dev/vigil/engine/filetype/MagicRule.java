package dev.vigil.engine.filetype;

import dev.vigil.engine.ir.BodyPattern;
import dev.vigil.engine.ir.OffsetSpec;

/**
 * One file-type magic rule ({@code .ftm} line or built-in). Kind 0: {@code magic} bytes compared at {@code offset}.
 * Kind 1: {@code pattern} searched where {@code placement} allows ({@code offset -1} means anywhere). Kind 4:
 * partition magic. The rule sets {@code type}; a kind-1 rule applies only when the type found so far is
 * {@code requiredType} ({@code CL_TYPE_ANY} = always). ClamAV ignores {@code requiredType} for kinds 0 and 4.
 *
 * @param placement for kind 1, where a match may start (ClamAV's offset field: {@code *}, {@code n}, {@code n,shift},
 *                  {@code EOF-n}); relative forms never match while typing, as in ClamAV. Derived from
 *                  {@code offset} when built with the shorter constructor.
 */
public record MagicRule(int kind, long offset, byte[] magic, BodyPattern pattern, String description,
                        FileType requiredType, FileType type, OffsetSpec placement) {

    public MagicRule {
        if (placement == null) {
            placement = offset < 0 ? new OffsetSpec.Any() : new OffsetSpec.Absolute(offset, 0);
        }
    }

    public MagicRule(int kind, long offset, byte[] magic, BodyPattern pattern, String description,
                     FileType requiredType, FileType type) {
        this(kind, offset, magic, pattern, description, requiredType, type, null);
    }
}
