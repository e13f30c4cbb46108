package dev.vigil.difftest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder of inputs that clamscan scans in one run, with the PE handling its files need.
 *
 * @param label a short name for messages ({@code plain}, {@code wrapped}, {@code inputs})
 * @param root  the folder; every regular file under it is an input
 * @param mode  how clamscan treats PE files there
 */
public record InputGroup(String label, Path root, PeMode mode) {

    /** The regular files under {@link #root()}, relative to it with forward slashes, sorted. */
    public List<String> files() {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
