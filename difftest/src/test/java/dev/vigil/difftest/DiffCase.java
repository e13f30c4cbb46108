package dev.vigil.difftest;

import java.nio.file.Path;
import java.util.List;

/**
 * One comparison: a list of ClamAV databases, loaded in this order by both engines, and the inputs scanned with
 * them.
 *
 * @param name      unique, for test names and messages
 * @param origin    where the case comes from (resource folder, generator class, shared set)
 * @param databases files (or folders) given to {@code clamscan -d} and to Vigil's loader, in order
 * @param groups    inputs, each group scanned by one clamscan run per mode
 */
public record DiffCase(String name, String origin, List<Path> databases, List<InputGroup> groups) {

    public DiffCase {
        databases = List.copyOf(databases);
        groups = List.copyOf(groups);
    }

    @Override
    public String toString() {
        return name;
    }
}
