package dev.vigil.updates.note;

import dev.vigil.updates.FormatException;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.X509EncodedKeySpec;

/** ECDSA P-256 with SHA-256 on DER SubjectPublicKeyInfo keys, through the JDK provider. */
public final class EcdsaP256 {
    private EcdsaP256() {
    }

    public static PublicKey publicKey(byte[] spki) throws FormatException {
        try {
            PublicKey key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(spki));
            if (!(key instanceof ECPublicKey ec) || ec.getParams().getCurve().getField().getFieldSize() != 256
                    || ec.getParams().getOrder().bitLength() != 256) {
                throw new FormatException("only ECDSA P-256 keys are supported");
            }
            // Re-encoding must give the input back: no trailing bytes or alternative encodings.
            if (!java.util.Arrays.equals(key.getEncoded(), spki)) {
                throw new FormatException("non-canonical ECDSA public key");
            }
            return key;
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new FormatException("invalid ECDSA public key");
        }
    }

    /** False for any malformed signature, never an exception. */
    public static boolean verify(PublicKey key, byte[] message, byte[] derSignature) {
        try {
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initVerify(key);
            s.update(message);
            return s.verify(derSignature);
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }
}
