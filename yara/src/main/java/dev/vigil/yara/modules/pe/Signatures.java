package dev.vigil.yara.modules.pe;

import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;

/** Signature checks done with the JDK's providers. Any failure, including an unsupported key, means "invalid". */
final class Signatures {
    private Signatures() {
    }

    static byte[] digest(String jdkName, byte[] data) {
        try {
            return MessageDigest.getInstance(jdkName).digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            return null;
        }
    }

    /**
     * OpenSSL's PKCS7_signatureVerify: the signer's digest algorithm must be one the SignedData lists; with
     * authenticated attributes their messageDigest must equal the content's digest and the signature covers the
     * attributes, otherwise it covers the content.
     */
    static boolean verifySignerInfo(Pkcs7.SignedData sd, Pkcs7.SignerInfo si, Cert signer, byte[] content) {
        String jdk = Pkcs7.jdkDigest(si.digestOid());
        if (jdk == null || !sd.digestOids().contains(si.digestOid())) {
            return false;
        }
        byte[] signedBytes = content;
        if (si.authAttributes() != null && !si.signed().isEmpty()) {
            Der messageDigest = si.signedValue(Pkcs7.MESSAGE_DIGEST);
            if (messageDigest == null || messageDigest.tag != Der.OCTET_STRING) {
                return false;
            }
            byte[] actual = digest(jdk, content);
            if (actual == null || !Arrays.equals(actual, messageDigest.content())) {
                return false;
            }
            signedBytes = Pkcs7.signedAttributesForSignature(si.authAttributes());
        }
        return checkSignature(signer.publicKey(), jdk, signedBytes, si.encryptedDigest());
    }

    /**
     * OpenSSL's CMS_SignerInfo_verify_content as YARA calls it: with signed attributes only the messageDigest is
     * compared with the content's digest; without them it fails (no key was set).
     */
    static boolean contentDigestMatches(Pkcs7.SignerInfo si, byte[] content) {
        String jdk = Pkcs7.jdkDigest(si.digestOid());
        Der messageDigest = si.signedValue(Pkcs7.MESSAGE_DIGEST);
        if (jdk == null || si.signed().isEmpty() || messageDigest == null) {
            return false;
        }
        return Arrays.equals(digest(jdk, content), messageDigest.content());
    }

    static boolean checkSignature(PublicKey key, String jdkDigest, byte[] data, byte[] signature) {
        if (key == null) {
            return false;
        }
        String keyType = switch (key.getAlgorithm()) {
            case "RSA" -> "RSA";
            case "EC" -> "ECDSA";
            case "DSA" -> "DSA";
            default -> null;
        };
        if (keyType == null) {
            return false;
        }
        try {
            java.security.Signature s = java.security.Signature.getInstance(
                    jdkDigest.replace("-", "").replace("/", "") + "with" + keyType);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (Exception e) {
            return false;
        }
    }

    /** RSA "verify recover": the signature's padded payload, or null when it cannot be recovered. */
    static byte[] recover(PublicKey key, byte[] signature) {
        if (key == null || !"RSA".equals(key.getAlgorithm())) {
            return null;
        }
        try {
            Cipher c = Cipher.getInstance("RSA/ECB/PKCS1Padding");
            c.init(Cipher.DECRYPT_MODE, key);
            return c.doFinal(signature);
        } catch (Exception e) {
            return null;
        }
    }

    /** The digest inside a DER DigestInfo, or null. */
    static byte[] digestInfoDigest(byte[] encoded) {
        try {
            List<Der> parts = Der.read(encoded).expect(Der.SEQUENCE).children();
            if (parts.size() < 2) {
                return null;
            }
            Pkcs7.algorithm(parts.get(0));
            return parts.get(1).expect(Der.OCTET_STRING).content();
        } catch (Der.Malformed e) {
            return null;
        }
    }
}
