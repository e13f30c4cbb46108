package dev.vigil.engine.ir;

/**
 * A container-metadata signature (ClamAV {@code .cdb}): it matches an entry of a container by what the container
 * says about it, before or without extracting it. Null fields match anything.
 *
 * @param name            the name reported on a match
 * @param containerType   the ClamAV type of the container ({@code CL_TYPE_ZIP}), or null for any
 * @param containerSize   size of the container itself
 * @param fileNameRegex   POSIX extended regular expression searched in the entry's name
 * @param sizeInContainer the entry's stored (compressed) size
 * @param realSize        the entry's real (uncompressed) size
 * @param encrypted       0 or 1 to require that value of the entry's encryption flag, -1 for either
 * @param position        the entry's number in the container (counted from 1)
 */
public record ContainerSignature(String name, String containerType, MetaRange containerSize, String fileNameRegex,
                                 MetaRange sizeInContainer, MetaRange realSize, int encrypted, MetaRange position) {

    /**
     * A {@code .cdb} number field: {@code N} (exactly N) or {@code A-B}, where, as in ClamAV, a bound of 0 leaves
     * that side open.
     */
    public record MetaRange(long min, long max) {
        public boolean holds(long v) {
            if (min == max) {
                return v == min;
            }
            return !((min != 0 && min > v) || (max != 0 && max < v));
        }

        /** Whether {@code range} (null = any) holds {@code v}. */
        public static boolean holds(MetaRange range, long v) {
            return range == null || range.holds(v);
        }
    }
}
