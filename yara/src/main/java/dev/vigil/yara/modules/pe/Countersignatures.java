package dev.vigil.yara.modules.pe;

import java.util.Arrays;
import java.util.List;

/** PKCS#9 countersignatures and Microsoft (RFC 3161 time-stamp token) countersignatures of a signer. */
final class Countersignatures {

    enum Status { VALID, CANT_PARSE, TIME_MISSING, NO_SIGNER_CERT, DIGEST_MISSING, UNKNOWN_ALGORITHM,
        CANT_DECRYPT_DIGEST, INVALID, DOESNT_MATCH_SIGNATURE }

    static final class Countersignature {
        Status status = Status.VALID;
        long signTime;
        String digestAlg;
        byte[] digest;
        List<Cert> chain;
        /** Certificates of a time-stamp token; YARA adds them to the signature's certificates. */
        List<Cert> certs;
    }

    private Countersignatures() {
    }

    /** A PKCS#9 countersignature: a SignerInfo over the countersigned signer's encrypted digest. */
    static Countersignature pkcs9(Der value, List<Cert> certs, byte[] countersigned) {
        Countersignature c = new Countersignature();
        Pkcs7.SignerInfo si;
        try {
            si = Pkcs7.signerInfo(value);
        } catch (Der.Malformed e) {
            c.status = Status.CANT_PARSE;
            return c;
        }
        c.digestAlg = Pkcs7.digestName(si.digestOid());
        Der time = si.signedValue(Pkcs7.SIGNING_TIME);
        if (time == null) {
            c.status = Status.TIME_MISSING;
            return c;
        }
        c.signTime = time.time();
        Cert signer = null;
        for (Cert cert : certs) {
            if (cert.matches(si.issuer(), si.serial())) {
                signer = cert;
                break;
            }
        }
        if (signer == null) {
            c.status = Status.NO_SIGNER_CERT;
            return c;
        }
        c.chain = Authenticode.chain(signer, certs);
        Der messageDigest = si.signedValue(Pkcs7.MESSAGE_DIGEST);
        if (messageDigest == null || messageDigest.contentLength == 0) {
            c.status = Status.DIGEST_MISSING;
            return c;
        }
        String jdk = Pkcs7.jdkDigest(si.digestOid());
        if (jdk == null) {
            c.status = Status.UNKNOWN_ALGORITHM;
            return c;
        }
        byte[] digest = messageDigest.content();
        c.digest = digest;
        byte[] attributes = si.authAttributes() == null ? new byte[0]
                : Pkcs7.signedAttributesForSignature(si.authAttributes());
        byte[] calculated = Signatures.digest(jdk, attributes);
        byte[] recovered = Signatures.recover(signer.publicKey(), si.encryptedDigest());
        if (recovered == null) {
            c.status = Status.CANT_DECRYPT_DIGEST;
            return c;
        }
        int mdLength = calculated.length;
        byte[] signedDigest = recovered.length == mdLength ? recovered : Signatures.digestInfoDigest(recovered);
        if (signedDigest == null || signedDigest.length < mdLength
                || !Arrays.equals(signedDigest, 0, mdLength, calculated, 0, mdLength)) {
            c.status = Status.INVALID;
            return c;
        }
        byte[] expected = Signatures.digest(jdk, countersigned);
        if (digest.length != mdLength || !Arrays.equals(expected, digest)) {
            c.status = Status.DOESNT_MATCH_SIGNATURE;
        }
        return c;
    }

    /** TSTInfo's fields, checked in the order and types RFC 3161 gives them. */
    private static List<Der> tstInfo(Der element) throws Der.Malformed {
        List<Der> f = element.expect(Der.SEQUENCE).children();
        if (f.size() < 5) {
            throw new Der.Malformed("tst info");
        }
        f.get(0).expect(Der.INTEGER);
        f.get(1).oid();
        List<Der> imprint = f.get(2).expect(Der.SEQUENCE).children();
        if (imprint.size() != 2) {
            throw new Der.Malformed("imprint");
        }
        Pkcs7.algorithm(imprint.get(0));
        imprint.get(1).expect(Der.OCTET_STRING);
        f.get(3).expect(Der.INTEGER);
        f.get(4).expect(Der.GENERALIZED_TIME);
        int k = 5;
        int[] optional = {Der.SEQUENCE, 0x01, Der.INTEGER, 0xa0, 0xa1};
        for (int tag : optional) {
            if (k < f.size() && f.get(k).tag == tag) {
                if (tag == Der.SEQUENCE) {
                    accuracy(f.get(k));
                } else if (tag == 0xa0) {
                    Der name = f.get(k).unwrap();
                    if (name.tag == 0xa4) {
                        X509Names.oneline(name.unwrap());
                    }
                }
                k++;
            }
        }
        if (k != f.size()) {
            throw new Der.Malformed("tst info fields");
        }
        return f;
    }

    /** Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, millis [0] OPTIONAL, micros [1] OPTIONAL }. */
    private static void accuracy(Der element) throws Der.Malformed {
        int k = 0;
        List<Der> parts = element.children();
        for (int tag : new int[] {Der.INTEGER, 0x80, 0x81}) {
            if (k < parts.size() && parts.get(k).tag == tag) {
                k++;
            }
        }
        if (k != parts.size()) {
            throw new Der.Malformed("accuracy");
        }
    }

    /** A Microsoft countersignature: a time-stamp token (SignedData over TSTInfo) stamping the encrypted digest. */
    static Countersignature microsoft(Der value, byte[] countersigned) {
        Countersignature c = new Countersignature();
        Pkcs7.SignedData sd;
        List<Der> tst;
        boolean cms = false;
        try {
            Pkcs7.ContentInfo ci;
            try {
                ci = Pkcs7.contentInfo(value);
            } catch (Der.Malformed e) {
                // What OpenSSL's PKCS7 parser refuses, YARA retries as CMS.
                ci = Pkcs7.contentInfo(value, true);
                cms = true;
            }
            sd = ci.signed();
            if (sd == null || !"1.2.840.113549.1.9.16.1.4".equals(sd.contentType()) || sd.content() == null
                    || sd.content().tag != Der.OCTET_STRING) {
                c.status = Status.CANT_PARSE;
                return c;
            }
            Der inner = sd.content();
            tst = tstInfo(Der.read(inner.data, inner.contentStart, inner.end()));
            c.signTime = tst.get(4).time();
        } catch (Der.Malformed e) {
            c.status = Status.CANT_PARSE;
            return c;
        }
        Cert signer = sd.signers().isEmpty() ? null : sd.findCert(sd.signers().get(0));
        if (signer == null) {
            c.status = Status.NO_SIGNER_CERT;
            return c;
        }
        c.certs = sd.certs();
        c.chain = Authenticode.chain(signer, sd.certs());
        String digestOid;
        byte[] imprint;
        boolean nullParameters;
        long version;
        try {
            version = tst.get(0).smallInteger();
            List<Der> messageImprint = tst.get(2).expect(Der.SEQUENCE).children();
            if (messageImprint.size() < 2) {
                throw new Der.Malformed("imprint");
            }
            List<Der> alg = messageImprint.get(0).expect(Der.SEQUENCE).children();
            digestOid = alg.get(0).oid();
            nullParameters = alg.size() < 2 || alg.get(1).tag == 0x05;
            imprint = messageImprint.get(1).expect(Der.OCTET_STRING).content();
        } catch (Der.Malformed | IndexOutOfBoundsException e) {
            c.status = Status.DIGEST_MISSING;
            return c;
        }
        c.digestAlg = Pkcs7.digestName(digestOid);
        c.digest = imprint.length == 0 ? null : imprint;
        if (imprint.length == 0) {
            c.status = Status.DIGEST_MISSING;
            return c;
        }
        String jdk = Pkcs7.jdkDigest(digestOid);
        if (jdk == null) {
            c.status = Status.UNKNOWN_ALGORITHM;
            return c;
        }
        byte[] expected = Signatures.digest(jdk, countersigned);
        if (!Arrays.equals(expected, imprint)) {
            c.status = Status.DOESNT_MATCH_SIGNATURE;
            return c;
        }
        if (version != 1 || (!cms && !nullParameters)) {
            c.status = Status.INVALID;
            return c;
        }
        byte[] content = sd.content().content();
        boolean valid = cms ? Signatures.contentDigestMatches(sd.signers().get(0), content)
                : Signatures.verifySignerInfo(sd, sd.signers().get(0), signer, content);
        if (!valid) {
            c.status = Status.INVALID;
        }
        return c;
    }
}
