package dev.vigil.updates.note;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;

/** RFC 8032 Ed25519 on raw 32-byte seeds and public keys, through the JDK provider only. */
public final class Ed25519 {
    public static final int SEED_LENGTH = 32;
    public static final int PUBLIC_KEY_LENGTH = 32;
    public static final int SIGNATURE_LENGTH = 64;
    /** DER SubjectPublicKeyInfo header for an Ed25519 key (RFC 8410); the raw key follows. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private Ed25519() {
    }

    /** The RFC 8032 public key of a seed. The JDK has no direct call, so its key generator is fed the seed. */
    public static byte[] publicKey(byte[] seed) {
        checkLength(seed, SEED_LENGTH, "seed");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, new FixedRandom(seed));
            KeyPair pair = generator.generateKeyPair();
            byte[] spki = pair.getPublic().getEncoded();
            return Arrays.copyOfRange(spki, spki.length - PUBLIC_KEY_LENGTH, spki.length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    public static byte[] newSeed(SecureRandom random) {
        byte[] seed = new byte[SEED_LENGTH];
        random.nextBytes(seed);
        return seed;
    }

    public static byte[] sign(byte[] seed, byte[] message) {
        checkLength(seed, SEED_LENGTH, "seed");
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(message);
            return signer.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 unavailable", e);
        }
    }

    /** False for any malformed key or signature, never an exception. */
    public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
        if (publicKey.length != PUBLIC_KEY_LENGTH || signature.length != SIGNATURE_LENGTH) {
            return false;
        }
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki(publicKey)));
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(key);
            verifier.update(message);
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static byte[] spki(byte[] publicKey) {
        byte[] out = Arrays.copyOf(SPKI_PREFIX, SPKI_PREFIX.length + publicKey.length);
        System.arraycopy(publicKey, 0, out, SPKI_PREFIX.length, publicKey.length);
        return out;
    }

    /** The raw key inside an Ed25519 SubjectPublicKeyInfo (a PEM "PUBLIC KEY" body). */
    public static byte[] publicKeyFromSpki(byte[] der) {
        if (der.length != SPKI_PREFIX.length + PUBLIC_KEY_LENGTH
                || !Arrays.equals(der, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 SubjectPublicKeyInfo");
        }
        return Arrays.copyOfRange(der, SPKI_PREFIX.length, der.length);
    }

    /** DER PKCS#8 header of an Ed25519 private key (RFC 8410, no public key attribute); the seed follows. */
    private static final byte[] PKCS8_PREFIX = {0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65,
        0x70, 0x04, 0x22, 0x04, 0x20};

    /** The seed inside an Ed25519 PKCS#8 private key (a PEM "PRIVATE KEY" body). */
    public static byte[] seedFromPkcs8(byte[] der) {
        if (der.length != PKCS8_PREFIX.length + SEED_LENGTH
                || !Arrays.equals(der, 0, PKCS8_PREFIX.length, PKCS8_PREFIX, 0, PKCS8_PREFIX.length)) {
            throw new IllegalArgumentException("not an Ed25519 PKCS#8 private key");
        }
        return Arrays.copyOfRange(der, PKCS8_PREFIX.length, der.length);
    }

    private static void checkLength(byte[] data, int length, String what) {
        if (data.length != length) {
            throw new IllegalArgumentException("Ed25519 " + what + " must be " + length + " bytes");
        }
    }

    /** Hands out the seed once; the JDK key generator reads exactly 32 bytes for Ed25519. */
    private static final class FixedRandom extends SecureRandom {
        private final byte[] seed;
        private int used;

        FixedRandom(byte[] seed) {
            this.seed = seed.clone();
        }

        @Override
        public void nextBytes(byte[] bytes) {
            if (used + bytes.length > seed.length) {
                throw new IllegalStateException("key generator asked for more than the seed");
            }
            System.arraycopy(seed, used, bytes, 0, bytes.length);
            used += bytes.length;
        }
    }
}
