package dev.vigil.yara.modules.hash;

import dev.vigil.yara.modules.ModuleContext;
import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import dev.vigil.yara.modules.Type;
import dev.vigil.yara.modules.YaraModule;
import dev.vigil.yara.modules.math.ScanRange;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * YARA's {@code hash} module: digests as lower-case hex strings, checksums as integers. Data ranges stream through
 * the digest; digests of ranges are remembered for the scan, as YARA does, because rules often hash the same range
 * in a loop.
 */
public final class HashModule implements YaraModule {

    private static final Type.Struct SCHEMA = Type.struct()
            .function("md5", "ii", Type.STRING)
            .function("md5", "s", Type.STRING)
            .function("sha1", "ii", Type.STRING)
            .function("sha1", "s", Type.STRING)
            .function("sha256", "ii", Type.STRING)
            .function("sha256", "s", Type.STRING)
            .function("checksum32", "ii", Type.INTEGER)
            .function("checksum32", "s", Type.INTEGER)
            .function("crc32", "ii", Type.INTEGER)
            .function("crc32", "s", Type.INTEGER)
            .build();

    @Override
    public String name() {
        return "hash";
    }

    @Override
    public Type.Struct schema() {
        return SCHEMA;
    }

    @Override
    public StructValue load(ModuleContext context) {
        Map<String, byte[]> cache = new HashMap<>();
        return new StructValue()
                .set("md5", digestFunction(context, cache, "MD5"))
                .set("sha1", digestFunction(context, cache, "SHA-1"))
                .set("sha256", digestFunction(context, cache, "SHA-256"))
                .set("checksum32", (ModuleFunction) (o, a) -> {
                    if (o == 1) {
                        return checksum32((byte[]) a[0]);
                    }
                    long offset = (Long) a[0];
                    long length = (Long) a[1];
                    if (!ScanRange.defined(offset, length, context.size())) {
                        return null;
                    }
                    long[] sum = {0};
                    ScanRange.stream(context, offset, length, (chunk, n) -> {
                        for (int i = 0; i < n; i++) {
                            sum[0] += chunk[i] & 0xff;
                        }
                    });
                    return sum[0] & 0xffffffffL;
                })
                .set("crc32", (ModuleFunction) (o, a) -> {
                    CRC32 crc = new CRC32();
                    if (o == 1) {
                        crc.update((byte[]) a[0]);
                        return crc.getValue();
                    }
                    long offset = (Long) a[0];
                    long length = (Long) a[1];
                    if (!ScanRange.defined(offset, length, context.size())) {
                        return null;
                    }
                    ScanRange.stream(context, offset, length, (chunk, n) -> crc.update(chunk, 0, n));
                    return crc.getValue();
                });
    }

    static long checksum32(byte[] s) {
        long sum = 0;
        for (byte b : s) {
            sum += b & 0xff;
        }
        return sum & 0xffffffffL;
    }

    private static ModuleFunction digestFunction(ModuleContext context, Map<String, byte[]> cache,
            String algorithm) {
        return (o, a) -> {
            MessageDigest digest = newDigest(algorithm);
            if (o == 1) {
                return hex(digest.digest((byte[]) a[0]));
            }
            long offset = (Long) a[0];
            long length = (Long) a[1];
            if (!ScanRange.defined(offset, length, context.size())) {
                return null;
            }
            return cache.computeIfAbsent(algorithm + ':' + offset + ':' + length, k -> {
                ScanRange.stream(context, offset, length, (chunk, n) -> digest.update(chunk, 0, n));
                return hex(digest.digest());
            });
        };
    }

    static byte[] hex(byte[] digest) {
        return HexFormat.of().formatHex(digest).getBytes(StandardCharsets.US_ASCII);
    }

    private static MessageDigest newDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always provides " + algorithm, e);
        }
    }
}
