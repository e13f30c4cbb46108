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
            if (x == 0x80 && (i == contentStart || (data[i - 1] & 0x80) == 0)) {
                throw new Der.Malformed("non-minimal oid");
            }
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

    /** What YARA reports for a time OpenSSL cannot convert: timegm of an all-zero struct tm (1900-01-01). */
    static final long UNPARSABLE_TIME = -2209075200L;

    /**
     * UTCTime or GeneralizedTime as seconds since the epoch, validated like OpenSSL 3.0's ASN1_TIME_to_tm
     * (optional seconds, fractions, 'Z' or an offset); {@link #UNPARSABLE_TIME} when it refuses the text.
     */
    long time() {
        boolean utc = tag == UTC_TIME;
        if (!utc && tag != GENERALIZED_TIME) {
            return UNPARSABLE_TIME;
        }
        int[] at = {contentStart};
        int end = end();
        int year = digits(at, end, utc ? 2 : 4);
        if (utc && year >= 0) {
            year += year < 50 ? 2000 : 1900;
        }
        int month = digits(at, end, 2);
        int day = digits(at, end, 2);
        int hour = digits(at, end, 2);
        int minute = digits(at, end, 2);
        int second = 0;
        if (at[0] < end && Character.isDigit(data[at[0]])) {
            second = digits(at, end, 2);
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || day > java.time.YearMonth.of(year, month).lengthOfMonth()) {
            return UNPARSABLE_TIME;
        }
        if (!utc && at[0] < end && (data[at[0]] == '.' || data[at[0]] == ',')) {
            int digitsStart = ++at[0];
            while (at[0] < end && Character.isDigit(data[at[0]])) {
                at[0]++;
            }
            if (at[0] == digitsStart) {
                return UNPARSABLE_TIME;
            }
        }
        long offset = 0;
        if (at[0] < end && data[at[0]] == 'Z') {
            at[0]++;
        } else if (at[0] < end && (data[at[0]] == '+' || data[at[0]] == '-')) {
            int sign = data[at[0]++] == '-' ? -1 : 1;
            int oh = digits(at, end, 2);
            int om = digits(at, end, 2);
            if (oh < 0 || om < 0 || oh > 12 || om > 59) {
                return UNPARSABLE_TIME;
            }
            offset = sign * (oh * 3600L + om * 60L);
        } else {
            return UNPARSABLE_TIME;
        }
        if (at[0] != end) {
            return UNPARSABLE_TIME;
        }
        return java.time.LocalDateTime.of(year, month, day, hour, minute, second)
                .toEpochSecond(java.time.ZoneOffset.UTC) - offset;
    }

    private int digits(int[] at, int end, int n) {
        if (at[0] + n > end) {
            return -1;
        }
        int v = 0;
        for (int i = 0; i < n; i++) {
            int c = data[at[0] + i];
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        at[0] += n;
        return v;
    }
}
