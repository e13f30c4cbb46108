package dev.vigil.unpack.archive;

import dev.vigil.unpack.CollectedChildren;
import dev.vigil.engine.io.ScanInput;
import dev.vigil.unpack.Child;
import dev.vigil.unpack.ChildSink;
import dev.vigil.unpack.UnpackLimits;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * What Vigil's RAR unpacking gives for one file: a RAR is opened by {@link RarUnpacker}; anything else is searched
 * by both {@link RarSfxUnpacker}s and each archive found is opened the same way. Entries are kept as
 * {@code name -> SHA-256}, the problems reported as text.
 */
final class RarSampleExtraction implements ChildSink {
    final List<String> entries = new ArrayList<>();
    final List<String> errors = new ArrayList<>();
    final List<String> encrypted = new ArrayList<>();
    final List<String> limits = new ArrayList<>();
    private final UnpackLimits unpackLimits;
    /** An entry of which only the first bytes are read, as a sink does that stops at a limit; null for none. */
    private final String readOnlyStartOf;

    private RarSampleExtraction(UnpackLimits limits, String readOnlyStartOf) {
        this.unpackLimits = limits;
        this.readOnlyStartOf = readOnlyStartOf;
    }

    static RarSampleExtraction of(byte[] file) throws IOException {
        return of(file, UnpackLimits.DEFAULT);
    }

    static RarSampleExtraction of(byte[] file, UnpackLimits limits) throws IOException {
        return of(file, limits, null);
    }

    static RarSampleExtraction of(byte[] file, UnpackLimits limits, String readOnlyStartOf) throws IOException {
        RarSampleExtraction x = new RarSampleExtraction(limits, readOnlyStartOf);
        ScanInput input = ScanInput.of(file);
        if (Rar5Reader.isRar5(input) || Rar4Blocks.isRar4(input)) {
            x.unpack(input);
            return x;
        }
        CollectedChildren sfx = new CollectedChildren(limits);
        new RarSfxUnpacker().unpack(input, sfx);
        RarSfxUnpacker.withRar5().unpack(input, sfx);
        List<byte[]> found = sfx.data;
        for (byte[] rar : found) {
            x.unpack(ScanInput.of(rar));
        }
        if (found.isEmpty()) {
            x.errors.add("no RAR archive found");
        }
        return x;
    }

    /** As the recursive scanner does, an exception out of the unpacker is an error of the archive. */
    private void unpack(ScanInput rar) {
        try {
            new RarUnpacker().unpack(rar, this);
        } catch (IOException e) {
            errors.add("unpacker failed: " + e);
        }
    }

    boolean problems() {
        return !errors.isEmpty() || !encrypted.isEmpty() || !limits.isEmpty();
    }

    @Override
    public boolean child(Child child, InputStream data) throws IOException {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        if (child.name().equals(readOnlyStartOf)) {
            sha256.update(data.readNBytes(10));
            entries.add(child.name() + " (first 10 bytes) " + HexFormat.of().formatHex(sha256.digest()));
            return true;
        }
        byte[] buf = new byte[1 << 16];
        long total = 0;
        for (int n; (n = data.read(buf)) > 0; ) {
            total += n;
            if (total > unpackLimits.maxFileSize()) {
                limits.add("MaxFileSize: " + child.name());
                break;
            }
            sha256.update(buf, 0, n);
        }
        entries.add(child.name().replace('\\', '/') + " " + HexFormat.of().formatHex(sha256.digest()));
        return true;
    }

    @Override
    public void encrypted(String name) {
        encrypted.add(name);
    }

    @Override
    public void limitExceeded(String limitName, String detail) {
        limits.add(limitName + ": " + detail);
    }

    @Override
    public void error(String detail) {
        errors.add(detail);
    }

    @Override
    public UnpackLimits limits() {
        return unpackLimits;
    }

    @Override
    public String toString() {
        return "entries " + entries + ", errors " + errors + ", encrypted " + encrypted + ", limits " + limits;
    }
}
