package dev.vigil.clamav.cvd;

import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * ClamAV's two home-grown RSA signature checks. Both encode the signature integer in a custom base64 whose
 * alphabet starts with the lower-case letters and whose digits are little-endian (the first character is the
 * least significant six bits), so neither can go through {@code java.security.Signature} unchanged.
 */
final class ClamDsig {
    /** Public key of the legacy CVD header signature (libclamav dsig.c). */
    static final BigInteger HEADER_MODULUS = new BigInteger(
            "1186409955516453426030700016584531897515277744120277437465994057432431426074641447673610606406558447"
            + "4976078889002228342492276248891756555100246777110966959818941043469903453223222862159108950817859142"
            + "8456220796841621637175567590476666928698770143328137383952820383197532047771780196576957695822641224"
            + "262693037");
    static final BigInteger HEADER_EXPONENT = BigInteger.valueOf(100001027L);

    /** Public key of the .info "DSIG:" line (libclamav readdb.c). */
    static final BigInteger INFO_MODULUS = new BigInteger(
            "1108889498304854547365955610662719492392894179179504762059165869741358104332271591217249680652538105"
            + "5880964520618400224333320534660299233983755341740679502866829909679955734391392668378361221524205396"
            + "6310901051516412708572770803107343209516537005089417174191687239425078907029047027075874516216910507"
            + "5430785038339986534648720379846417853739221140278648135982446119723110289541509377039421666632448459"
            + "3935762408468516826633192140826667923494822045805347809932848454845886971706424360558667862775876072"
            + "0594377033653802091016977385775154769350854694552799941131459779940846183284821510131423933733163375"
            + "19977244732747977");
    static final BigInteger INFO_EXPONENT = BigInteger.valueOf(100002049L);

    private static final int MD5_LENGTH = 16;
    private static final int SHA256_LENGTH = 32;
    private static final int PSS_BLOCK = 256;
    private static final int PSS_DB_LENGTH = PSS_BLOCK - SHA256_LENGTH - 1;
    private static final int PSS_SALT_LENGTH = 32;
    private static final byte PSS_TRAILER = (byte) 0xBC;

    /** Bounds the work one signature can cause: real ones are 171 (header) and 342 (.info) characters. */
    static final int MAX_SIGNATURE_CHARS = 1024;

    private static final byte[] DIGIT_VALUES = new byte[128];

    static {
        java.util.Arrays.fill(DIGIT_VALUES, (byte) -1);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/";
        for (int i = 0; i < alphabet.length(); i++) {
            DIGIT_VALUES[alphabet.charAt(i)] = (byte) i;
        }
    }

    private ClamDsig() {
    }

    /** The signature integer, or null when the text is empty, too long or has a character outside the alphabet. */
    static BigInteger decode(CharSequence signature) {
        int length = signature.length();
        if (length == 0 || length > MAX_SIGNATURE_CHARS) {
            return null;
        }
        // Pack six bits per character, least significant first, into a little-endian byte array.
        byte[] littleEndian = new byte[(length * 6 + 7) / 8];
        int bitPosition = 0;
        for (int i = 0; i < length; i++) {
            char ch = signature.charAt(i);
            int value = ch < 128 ? DIGIT_VALUES[ch] : -1;
            if (value < 0) {
                return null;
            }
            int byteIndex = bitPosition >>> 3;
            int shift = bitPosition & 7;
            int shifted = value << shift;
            littleEndian[byteIndex] |= (byte) shifted;
            if (shift > 2) {
                littleEndian[byteIndex + 1] |= (byte) (shifted >>> 8);
            }
            bitPosition += 6;
        }
        byte[] bigEndian = new byte[littleEndian.length];
        for (int i = 0; i < littleEndian.length; i++) {
            bigEndian[i] = littleEndian[littleEndian.length - 1 - i];
        }
        return new BigInteger(1, bigEndian);
    }

    /** Textbook RSA over the MD5 of the container body, as the CVD header's signature field carries it. */
    static boolean verifyHeaderSignature(byte[] md5, String signature) {
        byte[] message = recover(signature, HEADER_MODULUS, HEADER_EXPONENT, MD5_LENGTH);
        return message != null && MessageDigest.isEqual(message, md5);
    }

    /**
     * RSASSA-PSS (SHA-256, MGF1-SHA-256, 32-byte salt) over {@code sha256}, with the checks libclamav makes:
     * trailer byte, first 0x01 after unmasking followed by exactly the salt, and the recomputed hash.
     */
    static boolean verifyInfoSignature(byte[] sha256, String signature) {
        byte[] encoded = recover(signature, INFO_MODULUS, INFO_EXPONENT, PSS_BLOCK);
        if (encoded == null || encoded[PSS_BLOCK - 1] != PSS_TRAILER) {
            return false;
        }
        MessageDigest sha = sha256();
        byte[] storedHash = java.util.Arrays.copyOfRange(encoded, PSS_DB_LENGTH, PSS_DB_LENGTH + SHA256_LENGTH);
        byte[] db = new byte[PSS_DB_LENGTH];
        byte[] counter = new byte[4];
        for (int offset = 0, round = 0; offset < PSS_DB_LENGTH; offset += SHA256_LENGTH, round++) {
            counter[2] = (byte) (round >>> 8);
            counter[3] = (byte) round;
            sha.update(storedHash);
            sha.update(counter);
            byte[] mask = sha.digest();
            int n = Math.min(SHA256_LENGTH, PSS_DB_LENGTH - offset);
            for (int i = 0; i < n; i++) {
                db[offset + i] = (byte) (encoded[offset + i] ^ mask[i]);
            }
        }
        db[0] &= 0x7F;
        int separator = -1;
        for (int i = 0; i < PSS_DB_LENGTH; i++) {
            if (db[i] == 1) {
                separator = i;
                break;
            }
        }
        if (separator < 0 || PSS_DB_LENGTH - separator - 1 != PSS_SALT_LENGTH) {
            return false;
        }
        sha.update(new byte[8]);
        sha.update(sha256);
        sha.update(db, separator + 1, PSS_SALT_LENGTH);
        return MessageDigest.isEqual(sha.digest(), storedHash);
    }

    /**
     * Decodes and applies the public key; the result is left-padded to {@code width} bytes (libclamav before 1.5
     * did not pad, so its rare signatures with a leading zero byte failed there), or null if it does not fit.
     */
    private static byte[] recover(String signature, BigInteger modulus, BigInteger exponent, int width) {
        BigInteger c = decode(signature);
        if (c == null) {
            return null;
        }
        byte[] raw = c.modPow(exponent, modulus).toByteArray();
        int start = raw.length > 1 && raw[0] == 0 ? 1 : 0;
        int length = raw.length - start;
        if (length > width) {
            return null;
        }
        byte[] padded = new byte[width];
        System.arraycopy(raw, start, padded, width - length, length);
        return padded;
    }

    static MessageDigest sha256() {
        return digest("SHA-256");
    }

    static MessageDigest md5() {
        return digest("MD5");
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK provides " + algorithm, e);
        }
    }
}
