package dev.vigil.engine.ir;

import java.util.List;

/**
 * The conditions of a logical signature's target description block that are not about its subsignatures.
 * Null fields are absent from the block. {@code container} and {@code intermediates} use ClamAV's
 * {@code CL_TYPE_*} names; at the top level (no container) a signature that names a container other than
 * {@code CL_TYPE_ANY} cannot match.
 */
public record TargetDescription(int target, Range fileSize, Range entryPoint, Range numberOfSections,
                                String container, List<String> intermediates,
                                String iconGroup1, String iconGroup2, String handlerType) {

    public TargetDescription {
        intermediates = intermediates == null ? List.of() : List.copyOf(intermediates);
    }

    public static TargetDescription ofTarget(int target) {
        return new TargetDescription(target, null, null, null, null, List.of(), null, null, null);
    }
}
