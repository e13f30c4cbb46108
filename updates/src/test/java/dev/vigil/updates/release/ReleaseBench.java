package dev.vigil.updates.release;

import dev.vigil.updates.note.Notes;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Client cost of one release update on a log of N entries (default 1,000,000): the log is filled with N-2 opaque
 * 600-byte entries, release 1 and release 2 follow; a client that accepted release 1 then updates to release 2 over
 * a counting directory mirror. Run (after test-compile):
 * {@code java -cp updates/target/test-classes:updates/target/classes dev.vigil.updates.release.ReleaseBench [N]}.
 */
public final class ReleaseBench {
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        Path root = Files.createTempDirectory("vigil-release-bench");
        try (ReleaseFixture f = new ReleaseFixture(root)) {
            long t0 = System.nanoTime();
            byte[] filler = new byte[600];
            for (int i = 0; i < n - 2; i++) {
                filler[0] = (byte) i;
                filler[1] = (byte) (i >>> 8);
                filler[2] = (byte) (i >>> 16);
                f.log.append(filler);
            }
            ReleaseManifest v1 = f.manifest(1, Map.of("daily.ndb", "Bench.Sig:0:*:41424344\n"));
            Files.createDirectories(f.wwwFile("artifact"));
            for (ReleaseManifest.Artifact a : v1.artifacts()) {
                Files.copy(f.files(v1).get(a.name()), f.wwwFile(DirectoryReleaseSource.artifactPath(a)));
            }
            f.appendRaw(Notes.sign(v1.format(), f.releaseKeys[0], f.releaseKeys[1]));
            f.last = v1;
            System.out.printf("log of %,d entries built in %.1f s%n", n - 1, (System.nanoTime() - t0) / 1e9);
            Counting source = new Counting(new DirectoryReleaseSource(f.www.root()));
            UpdateClient client = f.client("bench", source);
            client.update();
            f.publish(2);
            source.files = 0;
            source.bytes = 0;
            long t1 = System.nanoTime();
            Release r = client.update().orElseThrow();
            long t2 = System.nanoTime();
            System.out.printf("update to %s at size %,d: %.1f ms, %d files, %,d bytes fetched (artifacts included)%n",
                    r.manifest(), r.checkpoint().size(), (t2 - t1) / 1e6, source.files, source.bytes);
        } finally {
            Installer.deleteTree(root);
        }
    }

    private static final class Counting extends ReleaseFixture.ForwardingSource {
        long files;
        long bytes;

        Counting(ReleaseSource target) {
            super(target);
        }

        @Override
        public byte[] read(String path, int maxBytes) throws IOException {
            byte[] b = super.read(path, maxBytes);
            files++;
            bytes += b.length;
            return b;
        }

        @Override
        public byte[] manifest(long index, int maxBytes) throws IOException {
            byte[] b = super.manifest(index, maxBytes);
            files++;
            bytes += b.length;
            return b;
        }

        @Override
        public InputStream artifact(ReleaseManifest.Artifact artifact) throws IOException {
            files++;
            return new FilterInputStream(super.artifact(artifact)) {
                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int k = super.read(b, off, len);
                    if (k > 0) {
                        bytes += k;
                    }
                    return k;
                }
            };
        }
    }
}
