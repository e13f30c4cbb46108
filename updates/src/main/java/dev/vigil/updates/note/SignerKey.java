package dev.vigil.updates.note;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;

/**
 * An Ed25519 private key that signs notes (type 0x01) or checkpoint cosignatures (type 0x04). Its text form is Go's
 * signer key, {@code PRIVATE+KEY+name+hex8+base64(type || seed)}, returned only by {@link #toPrivateKeyString()};
 * {@link #toString()} never shows the seed.
 */
public final class SignerKey implements NoteSigner {
    private static final String PREFIX = "PRIVATE+KEY+";

    private final byte[] seed;
    private final VerifierKey publicKey;
    private final Clock clock;

    private SignerKey(byte[] seed, VerifierKey publicKey, Clock clock) {
        this.seed = seed;
        this.publicKey = publicKey;
        this.clock = clock;
    }

    public static SignerKey fromSeed(String name, byte type, byte[] seed) throws FormatException {
        if (seed.length != Ed25519.SEED_LENGTH) {
            throw new FormatException("Ed25519 seed must be 32 bytes");
        }
        return new SignerKey(seed.clone(), VerifierKey.of(name, type, Ed25519.publicKey(seed)), Clock.systemUTC());
    }

    public static SignerKey generate(String name, byte type, SecureRandom random) throws FormatException {
        return fromSeed(name, type, Ed25519.newSeed(random));
    }

    public static SignerKey parse(String skey) throws FormatException {
        if (!skey.startsWith(PREFIX) || skey.length() > KeyNames.MAX_LENGTH + 200) {
            throw new FormatException("signer key must start with PRIVATE+KEY+");
        }
        String[] parts = skey.substring(PREFIX.length()).split("\\+", 3);
        if (parts.length != 3) {
            throw new FormatException("signer key must be PRIVATE+KEY+name+keyid+key");
        }
        int declared = VerifierKey.parseKeyId(parts[1]);
        byte[] raw = Encoding.decodeBase64(parts[2], "signer key");
        SignerKey key = fromSeed(parts[0], raw[0], Arrays.copyOfRange(raw, 1, raw.length));
        Arrays.fill(raw, (byte) 0);
        if (key.keyId() != declared) {
            throw new FormatException("signer key ID does not match the key");
        }
        return key;
    }

    /** The same key reading cosignature timestamps from another clock (tests, replay). */
    public SignerKey withClock(Clock clock) {
        return new SignerKey(seed, publicKey, clock);
    }

    /** The same seed under another type, e.g. a witness reusing a Go skey as a 0x04 cosigner. */
    public SignerKey asType(byte type) throws FormatException {
        return new SignerKey(seed, VerifierKey.of(publicKey.name(), type, publicKey.publicKey()), clock);
    }

    @Override
    public String name() {
        return publicKey.name();
    }

    @Override
    public int keyId() {
        return publicKey.keyId();
    }

    public byte type() {
        return publicKey.type();
    }

    @Override
    public VerifierKey verifier() {
        return publicKey;
    }

    /** For a cosigner, the timestamp is the clock's current second. */
    @Override
    public byte[] sign(byte[] text) {
        if (publicKey.type() == SignatureType.COSIGNATURE_V1) {
            return CosignatureV1.sign(seed, clock.instant().getEpochSecond(), text);
        }
        return Ed25519.sign(seed, text);
    }

    /** A cosignature with an explicit timestamp. */
    public byte[] cosign(long timestamp, byte[] checkpointText) {
        if (publicKey.type() != SignatureType.COSIGNATURE_V1) {
            throw new IllegalStateException("not a cosigner key");
        }
        return CosignatureV1.sign(seed, timestamp, checkpointText);
    }

    /** The secret text form, for writing to a key file; never log it. */
    public String toPrivateKeyString() {
        byte[] raw = new byte[1 + seed.length];
        raw[0] = publicKey.type();
        System.arraycopy(seed, 0, raw, 1, seed.length);
        String out = PREFIX + name() + "+" + KeyId.hex(keyId()) + "+" + Encoding.base64(raw);
        Arrays.fill(raw, (byte) 0);
        return out;
    }

    @Override
    public String toString() {
        return "SignerKey[" + name() + "+" + KeyId.hex(keyId()) + ", private key redacted]";
    }
}
