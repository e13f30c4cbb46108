package dev.vigil.unpack.executables;

import dev.vigil.engine.Engine;
import dev.vigil.engine.ScanResult;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackException;
import dev.vigil.unpack.UnpackLimits;
import dev.vigil.unpack.Unpacker;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A small stand-in for the project's recursive scanner, for these tests only: scans an object with the engine and,
 * if clean, offers it to this package's unpackers, scanning every child the same way, up to MaxRecursion.
 */
final class RecursiveTestScanner {
    private final Engine engine;
    private final UnpackLimits limits;
    private final List<Unpacker> unpackers;
    final List<String> limitsHit = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    int children;

    RecursiveTestScanner(Engine engine, UnpackLimits limits) {
        this.engine = engine;
        this.limits = limits;
        this.unpackers = ExecutableUnpackers.all();
    }

    /** The path of the first detection ({@code file/child/...: Name}), or null when clean. */
    String scan(String name, byte[] data) throws IOException {
        return scan(name, data, 0);
    }

    private String scan(String path, byte[] data, int depth) throws IOException {
        ScanResult r = engine.scan(data);
        if (r.infected()) {
            return path + ": " + r.detections().getFirst().name();
        }
        if (depth >= limits.maxRecursion()) {
            limitsHit.add("MaxRecursion at " + path);
            return null;
        }
        ScanInput input = ScanInput.of(data);
        for (Unpacker u : unpackers) {
            if (!u.accepts(r.fileType(), input)) {
                continue;
            }
            Sink sink = new Sink(path, depth);
            try {
                u.unpack(input, sink);
            } catch (UnpackException e) {
                errors.add(u.name() + " " + path + ": " + e.getMessage());
            }
            if (sink.found != null) {
                return sink.found;
            }
        }
        return zipStandIn(path, data, depth);
    }

    /**
     * The zip archives that unpacked images carry (ClamAV finds them as ZIP-SFX) are another package's job; this
     * stand-in reads them with java.util.zip so that the packers here can be checked end to end.
     */
    private String zipStandIn(String path, byte[] data, int depth) throws IOException {
        for (int at = 1; at + 4 <= data.length; at++) {
            if (data[at] != 'P' || data[at + 1] != 'K' || data[at + 2] != 3 || data[at + 3] != 4) {
                continue;
            }
            try (java.util.zip.ZipInputStream zip = new java.util.zip.ZipInputStream(
                    new java.io.ByteArrayInputStream(data, at, data.length - at))) {
                java.util.zip.ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    children++;
                    String found = scan(path + "/zip@" + at + "/" + e.getName(), zip.readNBytes(1 << 24), depth + 1);
                    if (found != null) {
                        return found;
                    }
                }
            } catch (IOException | IllegalArgumentException notAZip) {
                errors.add("zip stand-in " + path + "@" + at + ": " + notAZip.getMessage());
            }
            return null;
        }
        return null;
    }

    private final class Sink implements ChildSink {
        final String parent;
        final int depth;
        String found;

        Sink(String parent, int depth) {
            this.parent = parent;
            this.depth = depth;
        }

        @Override
        public boolean child(Child child, InputStream data) throws IOException {
            children++;
            byte[] bytes = data.readNBytes((int) Math.min(Integer.MAX_VALUE - 64, limits.maxFileSize()));
            found = scan(parent + "/" + child.name(), bytes, depth + 1);
            return found == null;
        }

        @Override
        public void encrypted(String name) {
            limitsHit.add("encrypted " + name);
        }

        @Override
        public void limitExceeded(String limitName, String detail) {
            limitsHit.add(limitName + ": " + detail);
        }

        @Override
        public UnpackLimits limits() {
            return limits;
        }
    }
}
