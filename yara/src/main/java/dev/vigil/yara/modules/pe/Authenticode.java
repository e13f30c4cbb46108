package dev.vigil.yara.modules.pe;

import dev.vigil.yara.modules.ModuleFunction;
import dev.vigil.yara.modules.StructValue;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Authenticode signatures of the security directory, reported the way YARA 4.5.2 (its bundled authenticode-parser
 * on OpenSSL 3.0) reports them: every signature including nested ones, their certificates, the signer's chain,
 * countersignatures, and whether the signature and the file digest verify.
 */
final class Authenticode {
    private static final String SPC_INDIRECT_DATA = "1.3.6.1.4.1.311.2.1.4";
    private static final String SPC_OPUS_INFO = "1.3.6.1.4.1.311.2.1.12";
    private static final String SPC_NESTED_SIGNATURE = "1.3.6.1.4.1.311.2.4.1";
    private static final String MS_COUNTERSIGNATURE = "1.3.6.1.4.1.311.3.3.1";
    private static final String TST_INFO = "1.2.840.113549.1.9.16.1.4";
    private static final int MAX_NESTED = 16;
    /** Bounds nested signatures inside nested signatures (the parser YARA uses has no such bound). */
    private static final int MAX_DEPTH = 8;
    private static final int MAX_CHAIN = 100;

    /** Outcome of checking one signature, as the authenticode-parser names them. */
    enum Status { VALID, CANT_PARSE, NO_SIGNER_CERT, DIGEST_MISSING, INTERNAL_ERROR, NO_SIGNER_INFO,
        WRONG_PKCS7_TYPE, BAD_CONTENT, INVALID, WRONG_FILE_DIGEST, UNKNOWN_ALGORITHM }

    private static final class Signer {
        List<Cert> chain;
        String digestAlg;
        byte[] digest;
        byte[] programName;
    }

    private static final class Signature {
        Status status = Status.VALID;
        String digestOid;
        String digestAlg;
        byte[] digest;
        byte[] fileDigest;
        List<Cert> certs;
        Signer signer;
        List<Countersignatures.Countersignature> countersignatures;
        /**
         * The signer's signature check, run on first need ({@link #checkSignature}): an RSA or ECDSA verification
         * per signed file, and no rule of a large set may ever read its outcome.
         */
        java.util.function.BooleanSupplier pendingSignature;
        /** Set while the file digest is still to be compared (in {@link #checkFileDigest}). */
        FileDigests pendingFiles;
        String pendingAlgorithm;

        /** Hashes the file (once per algorithm and file) and marks a digest that differs from the signed one. */
        void checkFileDigest() {
            if (pendingFiles == null) {
                return;
            }
            fileDigest = pendingFiles.digest(pendingAlgorithm);
            pendingFiles = null;
            int n = fileDigest.length;
            if (digest.length < n || !Arrays.equals(fileDigest, 0, n, digest, 0, n)) {
                status = Status.WRONG_FILE_DIGEST;
            }
        }

        /** Verifies the signer's signature if not done yet; an invalid one marks the signature INVALID. */
        void checkSignature() {
            if (pendingSignature == null) {
                return;
            }
            boolean valid = pendingSignature.getAsBoolean();
            pendingSignature = null;
            if (!valid && status == Status.VALID) {
                status = Status.INVALID;
            }
        }

        boolean verified() {
            checkSignature();
            if (status != Status.VALID) {
                return false; // a digest check can only take VALID away
            }
            checkFileDigest();
            return status == Status.VALID;
        }
    }

    /**
     * The Authenticode image hashes of one file by algorithm. Hashing a signed file costs more than the rest of
     * the module together, and few rules read the values that depend on it ({@code is_signed}, a signature's
     * {@code verified} and {@code file_digest}), so they are computed on first read.
     */
    private static final class FileDigests {
        private final PeImage pe;
        private final long certAddr;
        private final java.util.Map<String, byte[]> byAlgorithm = new java.util.HashMap<>(4);

        FileDigests(PeImage pe, long certAddr) {
            this.pe = pe;
            this.certAddr = certAddr;
        }

        byte[] digest(String algorithm) {
            return byAlgorithm.computeIfAbsent(algorithm, a -> fileDigest(pe, a, certAddr));
        }
    }

    private Authenticode() {
    }

    /**
     * Sets the signature fields, parsed on the first read of any of them: most rules never read them, and parsing
     * the certificates of each signed file cost 3 % of a signature-base scan over the benchmark corpus (where its
     * rules load the module for other fields).
     */
    static void parse(PeImage pe, StructValue out) {
        long va = pe.directoryRva(4);
        long size = pe.directorySize(4);
        if (va == 0 || va > pe.size || size > pe.size || ((va + size) & 0xffffffffL) > pe.size) {
            out.set("number_of_signatures", 0L).set("is_signed", 0L);
            return;
        }
        Parsed parsed = new Parsed(pe);
        out.setLazy("signatures", () -> parsed.get().list.isEmpty() ? null : parsed.get().list);
        out.setLazy("number_of_signatures", () -> (long) parsed.get().list.size());
        out.setLazy("is_signed", () -> {
            for (Signature s : parsed.get().kept) {
                if (s.verified()) {
                    return 1L;
                }
            }
            return 0L;
        });
    }

    /** The signatures of one file, parsed once on first use: those kept, and their structures. */
    private static final class Parsed {
        private final PeImage pe;
        private List<Signature> kept;
        private List<Object> list;

        Parsed(PeImage pe) {
            this.pe = pe;
        }

        Parsed get() {
            if (list == null) {
                List<Signature> keep = new ArrayList<>();
                List<Object> structs = new ArrayList<>();
                List<Signature> signatures = parseAll(pe);
                for (Signature s : signatures == null ? List.<Signature>of() : signatures) {
                    switch (s.status) {
                        case CANT_PARSE, WRONG_PKCS7_TYPE, NO_SIGNER_INFO, NO_SIGNER_CERT, INTERNAL_ERROR -> {
                            continue;
                        }
                        default -> {
                        }
                    }
                    keep.add(s);
                    structs.add(toStruct(s));
                }
                kept = keep; // set once complete: a read never sees half the signatures
                list = structs;
            }
            return this;
        }
    }

    private static byte[] ascii(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] hex(byte[] b) {
        return b == null ? null : ascii(Cert.hex(b));
    }

    static List<Object> certList(List<Cert> certs) {
        List<Object> out = new ArrayList<>();
        if (certs != null) {
            for (Cert c : certs) {
                out.add(c.toStruct());
            }
        }
        return out;
    }

    private static StructValue toStruct(Signature s) {
        StructValue v = new StructValue();
        v.setLazy("verified", () -> s.verified() ? 1L : 0L).set("digest_alg", ascii(s.digestAlg))
                .set("digest", hex(s.digest))
                .setLazy("file_digest", () -> {
                    s.checkFileDigest();
                    return hex(s.fileDigest);
                })
                .set("number_of_certificates", s.certs == null ? 0L : (long) s.certs.size())
                .set("certificates", certList(s.certs));
        if (s.signer != null) {
            Signer si = s.signer;
            if (si.chain != null && !si.chain.isEmpty()) {
                si.chain.get(0).fill(v);
            }
            v.set("signer_info", new StructValue().set("program_name", si.programName)
                    .set("digest_alg", ascii(si.digestAlg)).set("digest", hex(si.digest))
                    .set("length_of_chain", si.chain == null ? 0L : (long) si.chain.size())
                    .set("chain", certList(si.chain)));
        }
        List<Object> counters = new ArrayList<>();
        if (s.countersignatures != null) {
            for (Countersignatures.Countersignature c : s.countersignatures) {
                counters.add(new StructValue().set("verified", c.status == Countersignatures.Status.VALID ? 1L : 0L)
                        .set("digest_alg", ascii(c.digestAlg)).set("sign_time", c.signTime)
                        .set("digest", hex(c.digest))
                        .set("length_of_chain", c.chain == null ? 0L : (long) c.chain.size())
                        .set("chain", certList(c.chain)));
            }
        }
        v.set("number_of_countersignatures", (long) counters.size()).set("countersignatures", counters);
        v.set("valid_on", (ModuleFunction) (o, a) -> {
            if (!(v.get("not_before") instanceof Long from) || !(v.get("not_after") instanceof Long to)) {
                return null;
            }
            long t = (Long) a[0];
            return t >= from && t <= to ? 1L : 0L;
        });
        return v;
    }

    /** The signatures of the first WIN_CERTIFICATE, or null when there is none to parse. */
    private static List<Signature> parseAll(PeImage pe) {
        long certTable = pe.ntOffset + (pe.is64 ? 16 : 0) + 0x98L;
        if (pe.size < certTable + 8) {
            return null;
        }
        long certAddr = pe.u32(certTable);
        long certLen = pe.u32(certTable + 4);
        if (certLen < 8 || pe.size < certAddr + 8) {
            return null;
        }
        long length = pe.u32(certAddr);
        if (pe.size < certAddr + length) {
            return null;
        }
        int contentLength = (int) (length - 8);
        if (contentLength <= 0) {
            return null;
        }
        List<Signature> all = new ArrayList<>();
        parse(pe.data, (int) certAddr + 8, contentLength, all, 0);
        FileDigests files = new FileDigests(pe, certAddr);
        for (Signature s : all) {
            String jdk = s.digestOid == null ? null : Pkcs7.jdkDigest(s.digestOid);
            if (jdk == null || s.digest == null) {
                if (s.status == Status.VALID) {
                    s.status = Status.UNKNOWN_ALGORITHM;
                }
                continue;
            }
            if (!fileDigestDefined(pe, jdk, certAddr)) {
                s.checkSignature(); // INTERNAL_ERROR takes a signature off the list; INVALID would have kept it
                if (s.status == Status.VALID) {
                    s.status = Status.INTERNAL_ERROR;
                }
                break;
            }
            s.pendingFiles = files;
            s.pendingAlgorithm = jdk;
            if (s.status == Status.NO_SIGNER_INFO || s.status == Status.NO_SIGNER_CERT) {
                // A wrong digest takes such a signature off the list (see parse): the count needs the hash now.
                s.checkFileDigest();
            }
        }
        return all;
    }

    /**
     * The Authenticode image hash: everything before the certificate table except the checksum and the security
     * directory entry. Null where the parser YARA uses fails (table inside the headers).
     */
    static byte[] fileDigest(PeImage pe, String algorithm, long certAddr) {
        if (!fileDigestDefined(pe, algorithm, certAddr)) {
            return null;
        }
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (java.security.NoSuchAlgorithmException e) {
            return null;
        }
        long checksum = pe.ntOffset + 0x58L;
        long afterChecksum = checksum + 4;
        long directory = securityDirectory(pe);
        long afterDirectory = directory + 8;
        md.update(pe.data, 0, (int) checksum);
        md.update(pe.data, (int) afterChecksum, (int) (directory - afterChecksum));
        if (certAddr > afterDirectory) {
            md.update(pe.data, (int) afterDirectory, (int) (certAddr - afterDirectory));
        }
        return md.digest();
    }

    /** Where {@link #fileDigest} gives null: no such algorithm, or the certificate table inside the headers. */
    private static boolean fileDigestDefined(PeImage pe, String algorithm, long certAddr) {
        if (Pkcs7.digestLength(algorithm) < 0) {
            return false;
        }
        return certAddr > securityDirectory(pe);
    }

    private static long securityDirectory(PeImage pe) {
        return pe.ntOffset + 0x58L + 4 + 0x3c + (pe.is64 ? 16 : 0);
    }

    /** authenticode_new: the signature in {@code data[off, off+len)} followed by those nested in it. */
    private static void parse(byte[] data, int off, int len, List<Signature> out, int depth) {
        Signature auth = new Signature();
        out.add(auth);
        Pkcs7.ContentInfo ci;
        try {
            ci = Pkcs7.contentInfo(Der.read(data, off, off + len));
        } catch (Der.Malformed e) {
            auth.status = Status.CANT_PARSE;
            return;
        }
        Pkcs7.SignedData sd = ci.signed();
        if (sd == null) {
            auth.status = Status.WRONG_PKCS7_TYPE;
            return;
        }
        auth.certs = new ArrayList<>(sd.certs());
        if (!SPC_INDIRECT_DATA.equals(sd.contentType()) || sd.content() == null) {
            auth.status = Status.BAD_CONTENT;
            return;
        }
        try {
            List<Der> indirect = sd.content().expect(Der.SEQUENCE).children();
            if (indirect.size() < 2) {
                throw new Der.Malformed("indirect data");
            }
            indirect.get(0).expect(Der.SEQUENCE);
            List<Der> digestInfo = indirect.get(1).expect(Der.SEQUENCE).children();
            if (digestInfo.size() < 2) {
                throw new Der.Malformed("digest info");
            }
            auth.digestOid = Pkcs7.algorithm(digestInfo.get(0));
            byte[] digest = digestInfo.get(1).expect(Der.OCTET_STRING).content();
            auth.digest = digest.length == 0 ? null : digest;
        } catch (Der.Malformed e) {
            auth.status = Status.BAD_CONTENT;
            return;
        }
        auth.digestAlg = Pkcs7.digestName(auth.digestOid);
        Signer signer = new Signer();
        auth.signer = signer;
        if (sd.signers().isEmpty()) {
            auth.status = Status.NO_SIGNER_INFO;
            return;
        }
        Pkcs7.SignerInfo si = sd.signers().get(0);
        auth.countersignatures = new ArrayList<>();
        Pkcs7.Attribute nested = si.unsignedAttribute(SPC_NESTED_SIGNATURE);
        if (nested != null && depth < MAX_DEPTH) {
            for (int i = 0; i < Math.min(nested.values().size(), MAX_NESTED); i++) {
                Der n = nested.values().get(i);
                if (n.tag == Der.SEQUENCE) {
                    parse(n.data, n.start, n.end() - n.start, out, depth + 1);
                }
            }
        }
        Pkcs7.Attribute pkcs9 = si.unsignedAttribute(Pkcs7.COUNTERSIGNATURE);
        if (pkcs9 != null) {
            for (int i = 0; i < Math.min(pkcs9.values().size(), MAX_NESTED); i++) {
                auth.countersignatures.add(Countersignatures.pkcs9(pkcs9.values().get(i), sd.certs(),
                        si.encryptedDigest()));
            }
        }
        Pkcs7.Attribute ms = si.unsignedAttribute(MS_COUNTERSIGNATURE);
        if (ms != null) {
            for (int i = 0; i < Math.min(ms.values().size(), MAX_NESTED); i++) {
                Countersignatures.Countersignature c = Countersignatures.microsoft(ms.values().get(i),
                        si.encryptedDigest());
                auth.countersignatures.add(c);
                if (c.certs != null) {
                    auth.certs.addAll(c.certs);
                }
            }
        }
        Cert signCert = sd.findCert(si);
        if (signCert == null) {
            auth.status = Status.NO_SIGNER_CERT;
            return;
        }
        signer.chain = chain(signCert, sd.certs());
        Der digest = si.signedValue(Pkcs7.MESSAGE_DIGEST);
        if (digest == null) {
            auth.status = Status.DIGEST_MISSING;
            return;
        }
        signer.digestAlg = Pkcs7.digestName(si.digestOid());
        byte[] d = digest.content();
        signer.digest = d.length == 0 ? null : d;
        Der opus = si.signedValue(SPC_OPUS_INFO);
        if (opus != null) {
            signer.programName = programName(opus);
        }
        auth.pendingSignature = () -> verify(sd, si, signCert);
    }

    /** SpcSpOpusInfo's program name as UTF-8 (from a BMPString or an IA5String). */
    private static byte[] programName(Der opus) {
        try {
            for (Der field : opus.expect(Der.SEQUENCE).children()) {
                if (field.tag != 0xa0) {
                    continue;
                }
                Der name = field.unwrap();
                byte[] raw = name.content();
                String text;
                if (name.tag == 0x80) {
                    if (raw.length % 2 != 0) {
                        return null;
                    }
                    text = new String(raw, StandardCharsets.UTF_16BE);
                } else if (name.tag == 0x81) {
                    text = new String(raw, StandardCharsets.ISO_8859_1);
                } else {
                    return null;
                }
                byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                if (utf8.length >= opus.end() - opus.start) {
                    return null;
                }
                return Ascii.cString(utf8);
            }
        } catch (Der.Malformed e) {
            return null;
        }
        return null;
    }

    /**
     * The signer's chain as OpenSSL builds it from the certificates at hand: issuer by issuer until a self-issued
     * certificate or no issuer is found (preferring an issuer valid now, as OpenSSL does).
     */
    static List<Cert> chain(Cert leaf, List<Cert> certs) {
        List<Cert> chain = new ArrayList<>();
        chain.add(leaf);
        Cert current = leaf;
        long now = System.currentTimeMillis() / 1000;
        while (chain.size() < MAX_CHAIN && !current.selfIssued()) {
            Cert issuer = null;
            for (Cert c : certs) {
                if (current.issuedBy(c) && !chain.contains(c)) {
                    issuer = c;
                    if (c.validAt(now)) {
                        break;
                    }
                }
            }
            if (issuer == null) {
                break;
            }
            chain.add(issuer);
            current = issuer;
        }
        return chain;
    }

    /** PKCS7_signatureVerify for the main signature: the content digest, then the signer's signature. */
    private static boolean verify(Pkcs7.SignedData sd, Pkcs7.SignerInfo si, Cert signCert) {
        Der content = sd.content();
        byte[] signed;
        if (sd.version() == 1) {
            signed = content.content();
        } else {
            signed = content.encoded();
        }
        return Signatures.verifySignerInfo(sd, si, signCert, signed);
    }

    static PublicKey key(Cert c) {
        return c.publicKey();
    }
}
