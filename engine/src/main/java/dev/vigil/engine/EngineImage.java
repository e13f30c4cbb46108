package dev.vigil.engine;

import dev.vigil.engine.image.ImageDecoder;
import dev.vigil.engine.image.ImageFormatException;
import dev.vigil.engine.image.ImageInput;
import dev.vigil.engine.image.ImageOutput;
import dev.vigil.engine.ir.ContainerSignature;
import dev.vigil.engine.match.CompiledSignatures;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A compiled engine stored as a file, so that a large database is parsed and compiled once and then loaded in a
 * fraction of the time and memory: hash tables, atom index and verifier programs are written as the primitive arrays
 * they are and read back in bulk. Like {@code yarac}'s compiled rules, an image is tied to the Vigil release that
 * wrote it (its format version must match exactly) and holds only ClamAV-style signatures (YARA rules keep their own
 * compile step).
 *
 * <p>Reading checks everything it can without trusting the file: the magic and version, every length against the
 * bytes that remain (no allocation of a claimed size), the cross-references between tables, and a CRC-32C of the
 * whole content. Reader-owned objects (logical expressions, PCRE and byte-compare subsignatures) are stored as their
 * source text and parsed again by the caller's {@link ImageDecoder}.
 */
public final class EngineImage {
    private static final byte[] MAGIC = "VIGIL-ENGINE-IMAGE\n".getBytes(StandardCharsets.US_ASCII);
    /** Bump on any change to what a writeTo method writes. */
    static final int FORMAT_VERSION = 4;

    private EngineImage() {
    }

    /**
     * An engine read from an image, with the signature count its writer declared (a loader may count entries, as
     * clamscan's "Known viruses" does, that the engine holds in another form).
     */
    public record Loaded(Engine engine, long knownSignatures) {
    }

    /** Whether {@code engine} can be stored (it holds no YARA rules). */
    public static boolean canWrite(Engine engine) {
        return engine.compiled().imageable();
    }

    public static void write(Engine engine, long knownSignatures, OutputStream out) throws IOException {
        if (!canWrite(engine)) {
            throw new IllegalArgumentException("an engine with YARA rules cannot be stored as an image");
        }
        out.write(MAGIC);
        new DataOutputStream(out).writeInt(FORMAT_VERSION);
        ImageOutput image = new ImageOutput(out);
        image.writeInt(engine.signatureCount());
        image.writeLong(knownSignatures);
        image.writeStrings(engine.sources());
        engine.compiled().writeTo(image);
        image.writeInt(engine.containerSignatures().size());
        for (ContainerSignature c : engine.containerSignatures()) {
            image.writeString(c.name());
            image.writeString(c.containerType());
            writeRange(image, c.containerSize());
            image.writeString(c.fileNameRegex());
            writeRange(image, c.sizeInContainer());
            writeRange(image, c.realSize());
            image.writeInt(c.encrypted());
            writeRange(image, c.position());
        }
        image.finish();
        out.flush();
    }

    /** Writes the image next to {@code file} and moves it into place, so a reader never sees half an image. */
    public static void write(Engine engine, long knownSignatures, Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, ".vigil-image-", ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                write(engine, knownSignatures, out);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeRange(ImageOutput out, ContainerSignature.MetaRange r) throws IOException {
        out.writeBoolean(r != null);
        if (r != null) {
            out.writeLong(r.min());
            out.writeLong(r.max());
        }
    }

    private static ContainerSignature.MetaRange readRange(ImageInput in) throws IOException {
        return in.readBoolean() ? new ContainerSignature.MetaRange(in.readLong(), in.readLong()) : null;
    }

    /** True if {@code file} starts like an engine image (of any version). */
    public static boolean isImage(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (InputStream in = Files.newInputStream(file)) {
            return Arrays.equals(in.readNBytes(MAGIC.length), MAGIC);
        }
    }

    public static Loaded read(Path file, ImageDecoder decoder) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, Files.size(file), decoder);
        }
    }

    public static Loaded read(byte[] image, ImageDecoder decoder) throws IOException {
        return read(new ByteArrayInputStream(image), image.length, decoder);
    }

    private static Loaded read(InputStream in, long size, ImageDecoder decoder) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ImageFormatException("not a Vigil engine image");
        }
        DataInputStream header = new DataInputStream(in);
        int version;
        try {
            version = header.readInt();
        } catch (IOException e) {
            throw new ImageFormatException("engine image is truncated");
        }
        if (version != FORMAT_VERSION) {
            throw new ImageFormatException("engine image format " + version + " is not this Vigil's format "
                    + FORMAT_VERSION + ": compile the database again");
        }
        ImageInput image = new ImageInput(in, size - MAGIC.length - 4);
        int signatureCount = image.readInt();
        long knownSignatures = image.readLong();
        var sources = image.readStrings();
        CompiledSignatures compiled = CompiledSignatures.readFrom(image, decoder);
        int containers = image.readCount(16);
        List<ContainerSignature> containerSignatures = new ArrayList<>(containers);
        for (int i = 0; i < containers; i++) {
            String name = image.readString();
            String type = image.readString();
            ContainerSignature.MetaRange containerSize = readRange(image);
            String regex = image.readString();
            ContainerSignature.MetaRange stored = readRange(image);
            ContainerSignature.MetaRange real = readRange(image);
            int encrypted = image.readInt();
            ContainerSignature.MetaRange position = readRange(image);
            if (name == null) {
                throw new ImageFormatException("engine image is corrupt: container signature without a name");
            }
            containerSignatures.add(new ContainerSignature(name, type, containerSize, regex, stored, real, encrypted,
                    position));
        }
        image.finish();
        if (signatureCount < 0 || knownSignatures < 0) {
            throw new ImageFormatException("engine image is corrupt: signature count");
        }
        return new Loaded(new Engine(compiled, signatureCount, sources, containerSignatures), knownSignatures);
    }
}
