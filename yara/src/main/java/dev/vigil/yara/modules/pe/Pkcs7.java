package dev.vigil.yara.modules.pe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** PKCS#7 / CMS SignedData pieces read with {@link Der}: content info, certificates, signer infos, attributes. */
final class Pkcs7 {
    static final String SIGNED_DATA = "1.2.840.113549.1.7.2";
    static final String MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
    static final String SIGNING_TIME = "1.2.840.113549.1.9.5";
    static final String COUNTERSIGNATURE = "1.2.840.113549.1.9.6";

    /** OpenSSL's long names of digest algorithms (what YARA prints as digest_alg) and the JDK's names for them. */
    private static final Map<String, String[]> DIGESTS = Map.ofEntries(
            Map.entry("1.2.840.113549.2.2", new String[] {"md2", null}),
            Map.entry("1.2.840.113549.2.4", new String[] {"md4", null}),
            Map.entry("1.2.840.113549.2.5", new String[] {"md5", "MD5"}),
            Map.entry("1.3.14.3.2.26", new String[] {"sha1", "SHA-1"}),
            Map.entry("2.16.840.1.101.3.4.2.1", new String[] {"sha256", "SHA-256"}),
            Map.entry("2.16.840.1.101.3.4.2.2", new String[] {"sha384", "SHA-384"}),
            Map.entry("2.16.840.1.101.3.4.2.3", new String[] {"sha512", "SHA-512"}),
            Map.entry("2.16.840.1.101.3.4.2.4", new String[] {"sha224", "SHA-224"}),
            Map.entry("2.16.840.1.101.3.4.2.5", new String[] {"sha512-224", "SHA-512/224"}),
            Map.entry("2.16.840.1.101.3.4.2.6", new String[] {"sha512-256", "SHA-512/256"}),
            Map.entry("2.16.840.1.101.3.4.2.7", new String[] {"sha3-224", "SHA3-224"}),
            Map.entry("2.16.840.1.101.3.4.2.8", new String[] {"sha3-256", "SHA3-256"}),
            Map.entry("2.16.840.1.101.3.4.2.9", new String[] {"sha3-384", "SHA3-384"}),
            Map.entry("2.16.840.1.101.3.4.2.10", new String[] {"sha3-512", "SHA3-512"}));

    private Pkcs7() {
    }

    /** OpenSSL's long name for a digest OID ("undefined" when unknown to it). */
    static String digestName(String oid) {
        String[] d = DIGESTS.get(oid);
        return d != null ? d[0] : "undefined";
    }

    /** The JDK algorithm for a digest OID, or null when OpenSSL 3 would not find one by name either. */
    static String jdkDigest(String oid) {
        String[] d = DIGESTS.get(oid);
        return d == null ? null : d[1];
    }

    static int digestLength(String jdkName) {
        try {
            return java.security.MessageDigest.getInstance(jdkName).getDigestLength();
        } catch (java.security.NoSuchAlgorithmException e) {
            return -1;
        }
    }

    /** One attribute: its type and the elements of its value set. */
    record Attribute(String oid, List<Der> values) {
    }

    /** {@code issuer} and {@code serial} are null when a CMS signer is named by {@code subjectKeyId}. */
    record SignerInfo(byte[] issuer, byte[] serial, byte[] subjectKeyId, String digestOid, Der authAttributes,
            List<Attribute> signed, List<Attribute> unsigned, byte[] encryptedDigest) {

        Attribute signedAttribute(String oid) {
            return find(signed, oid);
        }

        Attribute unsignedAttribute(String oid) {
            return find(unsigned, oid);
        }

        private static Attribute find(List<Attribute> list, String oid) {
            for (Attribute a : list) {
                if (a.oid().equals(oid)) {
                    return a;
                }
            }
            return null;
        }

        /** First value of a signed attribute, or null. */
        Der signedValue(String oid) {
            Attribute a = signedAttribute(oid);
            return a == null || a.values().isEmpty() ? null : a.values().get(0);
        }
    }

    /** SignedData fields. {@code content} is the element inside the [0] of encapContentInfo, or null. */
    record SignedData(long version, List<String> digestOids, String contentType, Der content, List<Cert> certs,
            List<SignerInfo> signers) {

        Cert findCert(SignerInfo si) {
            for (Cert c : certs) {
                if (si.issuer() != null ? c.matches(si.issuer(), si.serial())
                        : c.subjectKeyId() != null && java.util.Arrays.equals(c.subjectKeyId(), si.subjectKeyId())) {
                    return c;
                }
            }
            return null;
        }
    }

    /** A parsed ContentInfo: its type, and SignedData when it is one. */
    record ContentInfo(String type, SignedData signed) {
    }

    static ContentInfo contentInfo(Der element) throws Der.Malformed {
        return contentInfo(element, false);
    }

    /**
     * Parses a ContentInfo. Strict mode is OpenSSL's PKCS7 parser (certificates must all be X.509); CMS mode also
     * takes other certificate choices (skipped) and signers named by subject key identifier.
     */
    static ContentInfo contentInfo(Der element, boolean cms) throws Der.Malformed {
        List<Der> parts = element.expect(Der.SEQUENCE).children();
        if (parts.isEmpty() || parts.size() > 2) {
            throw new Der.Malformed("content info");
        }
        String type = parts.get(0).oid();
        if (!type.equals(SIGNED_DATA) || parts.size() < 2 || parts.get(1).tag != 0xa0) {
            return new ContentInfo(type, null);
        }
        return new ContentInfo(type, signedData(parts.get(1).unwrap(), cms));
    }

    private static SignedData signedData(Der element, boolean cms) throws Der.Malformed {
        List<Der> parts = element.expect(Der.SEQUENCE).children();
        if (parts.size() < 4) {
            throw new Der.Malformed("signed data");
        }
        long version = parts.get(0).smallInteger();
        List<String> digestOids = new ArrayList<>();
        for (Der alg : parts.get(1).expect(Der.SET).children()) {
            digestOids.add(algorithm(alg));
        }
        List<Der> encap = parts.get(2).expect(Der.SEQUENCE).children();
        if (encap.isEmpty() || encap.size() > 2) {
            throw new Der.Malformed("encapsulated content");
        }
        String contentType = encap.get(0).oid();
        Der content = encap.size() > 1 && encap.get(1).tag == 0xa0 ? encap.get(1).unwrap() : null;
        int i = 3;
        List<Cert> certs = new ArrayList<>();
        if (i < parts.size() && parts.get(i).tag == 0xa0) {
            for (Der c : parts.get(i).children()) {
                if (cms && c.tag != Der.SEQUENCE) {
                    continue;
                }
                Cert cert = Cert.parse(c);
                if (cert == null) {
                    throw new Der.Malformed("certificate");
                }
                certs.add(cert);
            }
            i++;
        }
        if (i < parts.size() && parts.get(i).tag == 0xa1) {
            i++;
        }
        if (i != parts.size() - 1) {
            throw new Der.Malformed("signer infos");
        }
        List<SignerInfo> signers = new ArrayList<>();
        for (Der si : parts.get(i).expect(Der.SET).children()) {
            signers.add(signerInfo(si, cms));
        }
        return new SignedData(version, digestOids, contentType, content, certs, signers);
    }

    static String algorithm(Der algorithmIdentifier) throws Der.Malformed {
        List<Der> parts = algorithmIdentifier.expect(Der.SEQUENCE).children();
        if (parts.isEmpty() || parts.size() > 2) {
            throw new Der.Malformed("algorithm identifier");
        }
        return parts.get(0).oid();
    }

    static SignerInfo signerInfo(Der element) throws Der.Malformed {
        return signerInfo(element, false);
    }

    static SignerInfo signerInfo(Der element, boolean cms) throws Der.Malformed {
        List<Der> parts = element.expect(Der.SEQUENCE).children();
        if (parts.size() < 5) {
            throw new Der.Malformed("signer info");
        }
        parts.get(0).expect(Der.INTEGER);
        byte[] issuer = null;
        byte[] serial = null;
        byte[] subjectKeyId = null;
        if (cms && parts.get(1).tag == 0x80) {
            subjectKeyId = parts.get(1).content();
        } else {
            List<Der> issuerAndSerial = parts.get(1).expect(Der.SEQUENCE).children();
            if (issuerAndSerial.size() < 2) {
                throw new Der.Malformed("issuer and serial");
            }
            X509Names.oneline(issuerAndSerial.get(0));
            issuer = issuerAndSerial.get(0).encoded();
            serial = issuerAndSerial.get(1).expect(Der.INTEGER).content();
        }
        String digestOid = algorithm(parts.get(2));
        int i = 3;
        Der authAttributes = null;
        List<Attribute> signed = List.of();
        if (parts.get(i).tag == 0xa0) {
            authAttributes = parts.get(i);
            signed = attributes(authAttributes);
            i++;
        }
        if (i + 1 >= parts.size()) {
            throw new Der.Malformed("signer info");
        }
        algorithm(parts.get(i));
        byte[] encryptedDigest = parts.get(i + 1).expect(Der.OCTET_STRING).content();
        List<Attribute> unsigned = List.of();
        int next = i + 2;
        if (next < parts.size() && parts.get(next).tag == 0xa1) {
            unsigned = attributes(parts.get(next));
            next++;
        }
        if (next != parts.size()) {
            throw new Der.Malformed("signer info fields");
        }
        return new SignerInfo(issuer, serial, subjectKeyId, digestOid, authAttributes, signed, unsigned, encryptedDigest);
    }

    private static List<Attribute> attributes(Der set) throws Der.Malformed {
        List<Attribute> out = new ArrayList<>();
        for (Der a : set.children()) {
            List<Der> parts = a.expect(Der.SEQUENCE).children();
            if (parts.size() != 2) {
                throw new Der.Malformed("attribute");
            }
            out.add(new Attribute(parts.get(0).oid(), parts.get(1).expect(Der.SET).children()));
        }
        return out;
    }

    /** The authenticated attributes re-tagged as the SET OF that the signature covers. */
    static byte[] signedAttributesForSignature(Der authAttributes) {
        byte[] encoded = authAttributes.encoded();
        encoded[0] = Der.SET;
        return encoded;
    }
}
