package dev.vigil.yara.modules.pe;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Distinguished names in the one-line form YARA stores ({@code /C=US/O=Example/CN=Name}): OpenSSL 3.0's
 * X509_NAME_oneline into a 256-byte buffer, after which YARA drops the backslash OpenSSL puts before '/'.
 */
final class X509Names {
    private static final int BUFFER = 256;
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
    private static final int GENERAL_STRING = 0x1b;

    /** OpenSSL's short names for the attribute types that appear in certificate names. */
    private static final Map<String, String> SHORT_NAMES = Map.ofEntries(
            Map.entry("2.5.4.3", "CN"), Map.entry("2.5.4.4", "SN"), Map.entry("2.5.4.5", "serialNumber"),
            Map.entry("2.5.4.6", "C"), Map.entry("2.5.4.7", "L"), Map.entry("2.5.4.8", "ST"),
            Map.entry("2.5.4.9", "street"), Map.entry("2.5.4.10", "O"), Map.entry("2.5.4.11", "OU"),
            Map.entry("2.5.4.12", "title"), Map.entry("2.5.4.13", "description"),
            Map.entry("2.5.4.15", "businessCategory"), Map.entry("2.5.4.16", "postalAddress"),
            Map.entry("2.5.4.17", "postalCode"), Map.entry("2.5.4.18", "postOfficeBox"),
            Map.entry("2.5.4.20", "telephoneNumber"), Map.entry("2.5.4.41", "name"), Map.entry("2.5.4.42", "GN"),
            Map.entry("2.5.4.43", "initials"), Map.entry("2.5.4.44", "generationQualifier"),
            Map.entry("2.5.4.45", "x500UniqueIdentifier"), Map.entry("2.5.4.46", "dnQualifier"),
            Map.entry("2.5.4.65", "pseudonym"), Map.entry("2.5.4.97", "organizationIdentifier"),
            Map.entry("1.2.840.113549.1.9.1", "emailAddress"), Map.entry("1.2.840.113549.1.9.2", "unstructuredName"),
            Map.entry("0.9.2342.19200300.100.1.25", "DC"), Map.entry("0.9.2342.19200300.100.1.1", "UID"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.1", "jurisdictionL"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.2", "jurisdictionST"),
            Map.entry("1.3.6.1.4.1.311.60.2.1.3", "jurisdictionC"));

    private X509Names() {
    }

    static String oneline(Der name) throws Der.Malformed {
        StringBuilder out = new StringBuilder();
        int set = -1;
        List<Der> rdns = name.expect(Der.SEQUENCE).children();
        outer:
        for (int r = 0; r < rdns.size(); r++) {
            for (Der ava : rdns.get(r).expect(Der.SET).children()) {
                List<Der> parts = ava.expect(Der.SEQUENCE).children();
                if (parts.size() < 2) {
                    throw new Der.Malformed("bad attribute");
                }
                String oid = parts.get(0).oid();
                String key = SHORT_NAMES.getOrDefault(oid, oid);
                Der value = parts.get(1);
                if (!printableType(value.tag)) {
                    throw new Der.Malformed("attribute value type");
                }
                String text = escape(value);
                if (out.length() + 2 + key.length() + text.length() > BUFFER - 1) {
                    break outer;
                }
                out.append(set == r ? '+' : '/').append(key).append('=').append(text);
                set = r;
            }
        }
        return out.toString().replace("\\/", "/");
    }

    /** The universal types OpenSSL accepts as a name attribute value (its ASN1_PRINTABLE set). */
    private static boolean printableType(int tag) {
        if (tag == Der.SEQUENCE) {
            return true;
        }
        if ((tag & 0xe0) != 0) {
            return false;
        }
        return tag >= 7 && tag <= 30 && tag != 16 && tag != 17 && tag != 23 && tag != 24;
    }

    private static String escape(Der value) {
        byte[] q = value.data;
        int from = value.contentStart;
        int num = value.contentLength;
        boolean[] keep = {true, true, true, true};
        if (value.tag == GENERAL_STRING && num % 4 == 0) {
            boolean[] nonZero = new boolean[4];
            for (int j = 0; j < num; j++) {
                if (q[from + j] != 0) {
                    nonZero[j & 3] = true;
                }
            }
            if (!(nonZero[0] || nonZero[1] || nonZero[2])) {
                keep = new boolean[] {false, false, false, true};
            }
        }
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < num; j++) {
            if (!keep[j & 3]) {
                continue;
            }
            int n = q[from + j] & 0xff;
            if (n < ' ' || n > '~') {
                b.append("\\x").append(HEX[n >> 4]).append(HEX[n & 15]);
            } else {
                if (n == '/' || n == '+') {
                    b.append('\\');
                }
                b.append((char) n);
            }
        }
        return b.toString();
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
