package dev.vigil.yara.modules.pe;

import java.util.ArrayList;
import java.util.List;

/**
 * A bounds-checked DER element view over a byte array, just enough for PKCS#7 SignedData. Only definite lengths
 * are accepted; anything malformed throws {@link Malformed}, which the Authenticode parser turns into "cannot
 * parse" as OpenSSL would.
 */
final class Der {
    static final int SEQUENCE = 0x30;
    static final int SET = 0x31;
    static final int INTEGER = 0x02;
    static final int OCTET_STRING = 0x04;
    static final int OID = 0x06;
    static final int UTC_TIME = 0x17;
    static final int GENERALIZED_TIME = 0x18;

    /** Malformed DER. Carries no stack trace: hostile input makes many of these. */
    static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    final byte[] data;
    /** Offset of the identifier octet. */
    final int start;
    /** The identifier octet (single-byte tags only; high tag numbers are refused). */
    final int tag;
    final int contentStart;
    final int contentLength;

    private Der(byte[] data, int start, int tag, int contentStart, int contentLength) {
        this.data = data;
        this.start = start;
        this.tag = tag;
        this.contentStart = contentStart;
        this.contentLength = contentLength;
    }

    /** The element at {@code offset}, which must end by {@code limit}. */
    static Der read(byte[] data, int offset, int limit) throws Malformed {
        if (offset < 0 || limit > data.length || offset + 2 > limit) {
            throw new Malformed("truncated header");
        }
        int tag = data[offset] & 0xff;
        if ((tag & 0x1f) == 0x1f) {
            throw new Malformed("high tag number");
        }
        int first = data[offset + 1] & 0xff;
        int at = offset + 2;
        long length;
        if (first < 0x80) {
            length = first;
        } else {
            int n = first & 0x7f;
            if (n == 0 || n > 4 || at + n > limit) {
                throw new Malformed("bad length");
            }
            length = 0;
            for (int i = 0; i < n; i++) {
                length = length << 8 | (data[at++] & 0xff);
            }
        }
        if (length > limit - at) {
            throw new Malformed("content past end");
        }
        return new Der(data, offset, tag, at, (int) length);
    }

    static Der read(byte[] data) throws Malformed {
        return read(data, 0, data.length);
    }

    int end() {
        return contentStart + contentLength;
    }

    /** The whole element, header included. */
    byte[] encoded() {
        return java.util.Arrays.copyOfRange(data, start, end());
    }

    byte[] content() {
        return java.util.Arrays.copyOfRange(data, contentStart, end());
    }

    boolean constructed() {
        return (tag & 0x20) != 0;
    }

    Der expect(int expectedTag) throws Malformed {
        if (tag != expectedTag) {
            throw new Malformed("unexpected tag " + tag);
        }
        return this;
    }

    /** The elements inside a constructed element. */
    List<Der> children() throws Malformed {
        if (!constructed()) {
            throw new Malformed("not constructed");
        }
        List<Der> out = new ArrayList<>();
        for (int at = contentStart; at < end();) {
            Der child = read(data, at, end());
            out.add(child);
            at = child.end();
        }
        return out;
    }

    /** The single element wrapped by an explicit tag. */
    Der unwrap() throws Malformed {
        List<Der> c = children();
        if (c.isEmpty()) {
            throw new Malformed("empty explicit tag");
        }
        return c.get(0);
    }

    /** Dotted form of an OBJECT IDENTIFIER. */
    String oid() throws Malformed {
        expect(OID);
        if (contentLength == 0) {
            throw new Malformed("empty oid");
        }
        StringBuilder b = new StringBuilder();
        long value = 0;
        boolean first = true;
        for (int i = contentStart; i < end(); i++) {
            int x = data[i] & 0xff;
            if (value > (Long.MAX_VALUE >> 7)) {
                throw new Malformed("oid arc too large");
            }
            value = value << 7 | (x & 0x7f);
            if ((x & 0x80) == 0) {
                if (first) {
                    long top = value < 40 ? 0 : value < 80 ? 1 : 2;
                    b.append(top).append('.').append(value - 40 * top);
                    first = false;
                } else {
                    b.append('.').append(value);
                }
                value = 0;
            }
        }
        if ((data[end() - 1] & 0x80) != 0) {
            throw new Malformed("unterminated oid");
        }
        return b.toString();
    }

    /** Small non-negative INTEGER value, or -1 when it does not fit. */
    long smallInteger() throws Malformed {
        expect(INTEGER);
        if (contentLength == 0) {
            throw new Malformed("empty integer");
        }
        if (contentLength > 8 || (data[contentStart] & 0x80) != 0) {
            return -1;
        }
        long v = 0;
        for (int i = contentStart; i < end(); i++) {
            v = v << 8 | (data[i] & 0xff);
        }
        return v;
    }

    /** UTCTime or GeneralizedTime as seconds since the epoch (fractions dropped), as OpenSSL's timegm gives. */
    long time() throws Malformed {
        String s = new String(data, contentStart, contentLength, java.nio.charset.StandardCharsets.ISO_8859_1);
        try {
            int year;
            int at;
            if (tag == UTC_TIME) {
                year = Integer.parseInt(s.substring(0, 2));
                year += year < 50 ? 2000 : 1900;
                at = 2;
            } else if (tag == GENERALIZED_TIME) {
                year = Integer.parseInt(s.substring(0, 4));
                at = 4;
            } else {
                throw new Malformed("not a time");
            }
            int month = Integer.parseInt(s.substring(at, at + 2));
            int day = Integer.parseInt(s.substring(at + 2, at + 4));
            int hour = Integer.parseInt(s.substring(at + 4, at + 6));
            int minute = Integer.parseInt(s.substring(at + 6, at + 8));
            int second = 0;
            if (s.length() >= at + 10 && Character.isDigit(s.charAt(at + 8))) {
                second = Integer.parseInt(s.substring(at + 8, at + 10));
            }
            return java.time.LocalDateTime.of(year, month, day, hour, minute, second)
                    .toEpochSecond(java.time.ZoneOffset.UTC);
        } catch (RuntimeException e) {
            throw new Malformed("bad time");
        }
    }
}
