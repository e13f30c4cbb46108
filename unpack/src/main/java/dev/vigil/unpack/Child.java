package dev.vigil.unpack;

/**
 * One object found inside a container.
 *
 * @param name          its name inside the container (an entry path, {@code part-3}, {@code stream-12}); never
 *                      used as a file system path
 * @param containerType the ClamAV type of the container it came from ({@code CL_TYPE_ZIP}), which {@code .cdb}
 *                      signatures and the {@code Container:} target field test
 * @param declaredSize  the size the container claims, or -1; informative only, never trusted for allocation
 */
public record Child(String name, String containerType, long declaredSize) {
}
