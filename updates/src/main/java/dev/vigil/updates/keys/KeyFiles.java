package dev.vigil.updates.keys;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.note.SignatureType;
import dev.vigil.updates.note.SignerKey;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;

/**
 * Private signer key files: one line, the signed-note private key form ({@code PRIVATE+KEY+name+id+base64}). Files
 * are created with mode 0600 and appear complete or not at all; an existing file is never replaced, so a key
 * cannot be lost by a repeated command. The secret is never part of an exception message.
 */
public final class KeyFiles {
    /** A key file is one short line; anything larger is not one. */
    private static final int MAX_FILE = 4096;

    private KeyFiles() {
    }

    /** What a key is for; it decides the signature type. */
    public enum Role {
        /** Signs release manifests (Ed25519 note signatures). */
        RELEASE(SignatureType.ED25519),
        /** Signs the log's checkpoints (Ed25519 note signatures); the key name is the log origin. */
        LOG(SignatureType.ED25519),
        /** Cosigns checkpoints as a witness (cosignature/v1). */
        WITNESS(SignatureType.COSIGNATURE_V1);

        private final byte type;

        Role(byte type) {
            this.type = type;
        }

        public byte signatureType() {
            return type;
        }
    }

    /** Generates a fresh key with the JDK's default strong-enough SecureRandom. */
    public static SignerKey generate(String name, Role role) throws FormatException {
        return SignerKey.generate(name, role.signatureType(), new SecureRandom());
    }

    /**
     * Writes {@code key} to a new file {@code target}: temp file created 0600 in the same directory, written and
     * fsynced, then hard-linked to the target name (which fails if the name exists) and the temp name removed.
     *
     * @throws FileAlreadyExistsException when {@code target} exists
     */
    public static void write(Path target, SignerKey key) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "refusing to overwrite a key file");
        }
        boolean posix = Files.getFileStore(dir).supportsFileAttributeView(PosixFileAttributeView.class);
        Path tmp = posix
                ? Files.createTempFile(dir, ".key-", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, ".key-", ".tmp");
        try {
            byte[] line = (key.toPrivateKeyString() + "\n").getBytes(StandardCharsets.US_ASCII);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE);
                 OutputStream out = java.nio.channels.Channels.newOutputStream(ch)) {
                out.write(line);
                out.flush();
                ch.force(true);
            } finally {
                Arrays.fill(line, (byte) 0);
            }
            try {
                Files.createLink(target, tmp);
            } catch (UnsupportedOperationException e) {
                // No hard links here: a plain rename, after the existence check above.
                Files.move(tmp, target);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // directories cannot be synced on every platform
        }
    }

    /**
     * Reads a private key file. Refuses a file that others may read (as ssh does), so a leaked key is noticed
     * before it is used.
     */
    public static SignerKey read(Path file) throws IOException, FormatException {
        if (Files.getFileStore(file).supportsFileAttributeView(PosixFileAttributeView.class)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
                throw new IOException("private key file " + file + " is readable by others (mode "
                        + PosixFilePermissions.toString(perms) + "); run chmod 600 on it");
            }
        }
        byte[] data;
        try (InputStream in = Files.newInputStream(file)) {
            data = in.readNBytes(MAX_FILE + 1);
        }
        try {
            if (data.length > MAX_FILE) {
                throw new FormatException("private key file " + file + " is larger than a key");
            }
            int end = data.length;
            while (end > 0 && (data[end - 1] == '\n' || data[end - 1] == '\r')) {
                end--;
            }
            String text = new String(data, 0, end, StandardCharsets.US_ASCII);
            try {
                return SignerKey.parse(text);
            } catch (FormatException e) {
                // The parser's messages never quote the key, but keep the file name as the only detail.
                throw new FormatException("private key file " + file + " does not hold a signer key: "
                        + e.getMessage());
            }
        } finally {
            Arrays.fill(data, (byte) 0);
        }
    }
}
