package dev.vigil.daemon;

import dev.vigil.engine.io.ScanInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** INSTREAM spools with pooled arrays: a reused array never shows the previous stream's bytes, and growth works. */
class StreamSpoolTest {
    private static byte[] contents(ScanInput in) throws Exception {
        byte[] all = new byte[(int) in.size() + 16];
        int n = in.read(0, all, 0, all.length);
        return Arrays.copyOf(all, Math.max(n, 0));
    }

    @Test
    void aReusedArrayShowsOnlyTheNewStream(@TempDir Path tmp) throws Exception {
        BufferPool pool = new BufferPool(1024, 1);
        try (StreamSpool first = new StreamSpool(tmp, pool)) {
            first.write(ByteBuffer.wrap("secret bytes of the first client".getBytes(StandardCharsets.US_ASCII)));
        }
        byte[] reused = pool.take();
        pool.give(reused);
        try (StreamSpool second = new StreamSpool(tmp, pool)) {
            second.write(ByteBuffer.wrap("short".getBytes(StandardCharsets.US_ASCII)));
            assertThat(second.size()).isEqualTo(5);
            assertThat(contents(second.input())).isEqualTo("short".getBytes(StandardCharsets.US_ASCII));
            assertThat(second.input().read(5, new byte[8], 0, 8)).isZero();
        }
        assertThat(pool.take()).as("the array went back to the pool").isSameAs(reused);
    }

    @Test
    void growsPastThePooledArrayAndSpillsPastTheMemoryLimit(@TempDir Path tmp) throws Exception {
        BufferPool pool = new BufferPool(1024, 4);
        byte[] chunk = new byte[3000];
        Arrays.fill(chunk, (byte) 7);
        try (StreamSpool spool = new StreamSpool(tmp, pool)) {
            spool.write(ByteBuffer.wrap(chunk));
            spool.write(ByteBuffer.wrap(chunk));
            assertThat(spool.size()).isEqualTo(6000);
            byte[] got = contents(spool.input());
            assertThat(got).hasSize(6000).containsOnly((byte) 7);
        }
        try (StreamSpool big = new StreamSpool(tmp, pool)) {
            byte[] mib = new byte[1 << 20];
            for (int i = 0; i < 9; i++) {
                big.write(ByteBuffer.wrap(mib));
            }
            assertThat(big.size()).isEqualTo(9L << 20);
            try (var files = Files.list(tmp)) {
                assertThat(files.count()).as("spilled to a temporary file").isEqualTo(1);
            }
        }
        try (var files = Files.list(tmp)) {
            assertThat(files.count()).as("the temporary file is removed").isZero();
        }
    }
}
