package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.StructValue;
import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** One X.509 certificate of a signature, with the fields YARA reports for it. */
final class Cert {
    private static final Map<String, String> SIGNATURE_NAMES = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.1", "rsaEncryption"),
            Map.entry("1.2.840.113549.1.1.2", "md2WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.4", "md5WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.5", "sha1WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.10", "rsassaPss"),
            Map.entry("1.2.840.113549.1.1.11", "sha256WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.12", "sha384WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.13", "sha512WithRSAEncryption"),
            Map.entry("1.2.840.113549.1.1.14", "sha224WithRSAEncryption"),
            Map.entry("1.3.14.3.2.29", "sha1WithRSA"),
            Map.entry("1.2.840.10040.4.3", "dsaWithSHA1"),
            Map.entry("2.16.840.1.101.3.4.3.2", "dsa_with_SHA256"),
            Map.entry("1.2.840.10045.4.1", "ecdsa-with-SHA1"),
            Map.entry("1.2.840.10045.4.3.1", "ecdsa-with-SHA224"),
            Map.entry("1.2.840.10045.4.3.2", "ecdsa-with-SHA256"),
            Map.entry("1.2.840.10045.4.3.3", "ecdsa-with-SHA384"),
            Map.entry("1.2.840.10045.4.3.4", "ecdsa-with-SHA512"),
            Map.entry("1.3.101.112", "ED25519"));

    final byte[] encoded;
    final byte[] issuerDer;
    final byte[] subjectDer;
    /** Serial number content octets (two's complement, as DER stores them). */
    final byte[] serial;
    private final String issuer;
    private final String subject;
    private final long version;
    private final String algorithm;
    private final String algorithmOid;
    private final long notBefore;
    private final long notAfter;
    private final String thumbprint;
    private byte[] subjectKeyId;
    private X509Certificate parsed;
    private boolean parseTried;

    private Cert(Der cert) throws Der.Malformed {
        encoded = cert.encoded();
        List<Der> top = cert.expect(Der.SEQUENCE).children();
        if (top.size() != 3) {
            throw new Der.Malformed("certificate");
        }
        top.get(2).expect(0x03);
        List<Der> tbs = top.get(0).expect(Der.SEQUENCE).children();
        int i = 0;
        long v = 0;
        if (!tbs.isEmpty() && tbs.get(0).tag == 0xa0) {
            v = tbs.get(0).unwrap().smallInteger();
            i++;
        }
        if (tbs.size() < i + 6) {
            throw new Der.Malformed("tbsCertificate");
        }
        version = v + 1;
        serial = tbs.get(i).expect(Der.INTEGER).content();
        Pkcs7.algorithm(tbs.get(i + 1));
        Der issuerName = tbs.get(i + 2);
        issuerDer = issuerName.encoded();
        issuer = X509Names.oneline(issuerName);
        List<Der> validity = tbs.get(i + 3).expect(Der.SEQUENCE).children();
        if (validity.size() != 2) {
            throw new Der.Malformed("validity");
        }
        notBefore = time(validity.get(0));
        notAfter = time(validity.get(1));
        Der subjectName = tbs.get(i + 4);
        subjectDer = subjectName.encoded();
        subject = X509Names.oneline(subjectName);
        List<Der> spki = tbs.get(i + 5).expect(Der.SEQUENCE).children();
        if (spki.size() != 2) {
            throw new Der.Malformed("subject public key info");
        }
        Pkcs7.algorithm(spki.get(0));
        spki.get(1).expect(0x03);
        int k = i + 6;
        if (k < tbs.size() && tbs.get(k).tag == 0x81) {
            k++;
        }
        if (k < tbs.size() && tbs.get(k).tag == 0x82) {
            k++;
        }
        if (k < tbs.size() && tbs.get(k).tag == 0xa3) {
            subjectKeyId = findSubjectKeyId(tbs.get(k).unwrap());
            k++;
        }
        if (k != tbs.size()) {
            throw new Der.Malformed("tbsCertificate fields");
        }
        String oid = Pkcs7.algorithm(top.get(1));
        algorithm = SIGNATURE_NAMES.getOrDefault(oid, "undefined");
        algorithmOid = SIGNATURE_NAMES.containsKey(oid) ? oid : "";
        thumbprint = hex(digest("SHA-1", encoded));
    }

    private static long time(Der t) throws Der.Malformed {
        if (t.tag != Der.UTC_TIME && t.tag != Der.GENERALIZED_TIME) {
            throw new Der.Malformed("time");
        }
        return t.time();
    }

    private static byte[] findSubjectKeyId(Der extensions) throws Der.Malformed {
        byte[] found = null;
        for (Der ext : extensions.expect(Der.SEQUENCE).children()) {
            List<Der> parts = ext.expect(Der.SEQUENCE).children();
            if (parts.size() < 2 || parts.size() > 3 || (parts.size() == 3 && parts.get(1).tag != 0x01)) {
                throw new Der.Malformed("extension");
            }
            Der value = parts.get(parts.size() - 1).expect(Der.OCTET_STRING);
            String oid = parts.get(0).oid();
            if (found == null && oid.equals("2.5.29.14")) {
                try {
                    found = Der.read(value.data, value.contentStart, value.end()).expect(Der.OCTET_STRING).content();
                } catch (Der.Malformed e) {
                    found = null;
                }
            }
        }
        return found;
    }

    byte[] subjectKeyId() {
        return subjectKeyId;
    }

    /** The certificate, or null when it is not one. */
    static Cert parse(Der element) {
        try {
            return new Cert(element);
        } catch (Der.Malformed e) {
            return null;
        }
    }

    static byte[] digest(String algorithm, byte[] data) {
        try {
            return MessageDigest.getInstance(algorithm).digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    /** OpenSSL's serial text: lower-case hex bytes joined by ':', absent above 20 bytes. */
    private String serialText() {
        if (serial.length == 0 || serial.length > 20) {
            return null;
        }
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < serial.length; k++) {
            if (k > 0) {
                b.append(':');
            }
            b.append(String.format("%02x", serial[k] & 0xff));
        }
        return b.toString();
    }

    StructValue toStruct() {
        return fill(new StructValue());
    }

    /** Writes the certificate fields into {@code s} (also used for a signature's own top-level fields). */
    StructValue fill(StructValue s) {
        String serialText = serialText();
        return s.set("thumbprint", X509Names.bytes(thumbprint)).set("issuer", X509Names.bytes(issuer))
                .set("subject", X509Names.bytes(subject)).set("version", version)
                .set("algorithm", X509Names.bytes(algorithm)).set("algorithm_oid", X509Names.bytes(algorithmOid))
                .set("serial", serialText == null ? null : X509Names.bytes(serialText))
                .set("not_before", notBefore).set("not_after", notAfter);
    }

    /** The public key through the JDK's parser, or null when the JDK refuses the certificate. */
    PublicKey publicKey() {
        if (!parseTried) {
            parseTried = true;
            try {
                parsed = (X509Certificate) CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(encoded));
            } catch (Exception e) {
                parsed = null;
            }
        }
        return parsed == null ? null : parsed.getPublicKey();
    }

    boolean validAt(long epochSeconds) {
        return epochSeconds >= notBefore && epochSeconds <= notAfter;
    }

    boolean selfIssued() {
        return Names.equal(issuerDer, subjectDer);
    }

    boolean issuedBy(Cert candidate) {
        return Names.equal(issuerDer, candidate.subjectDer);
    }

    boolean matches(byte[] issuerName, byte[] serialNumber) {
        return Names.equal(issuerDer, issuerName) && Arrays.equals(serial, serialNumber);
    }

    /** Name comparison: exact encoding, else the JDK's canonical form (close to OpenSSL's canonical compare). */
    static final class Names {
        private Names() {
        }

        static boolean equal(byte[] a, byte[] b) {
            if (Arrays.equals(a, b)) {
                return true;
            }
            try {
                return new javax.security.auth.x500.X500Principal(a)
                        .equals(new javax.security.auth.x500.X500Principal(b));
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
    }
}
