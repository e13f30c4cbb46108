package dev.vigil.engine.normalize;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-implementation of ClamAV 1.4's HTML normaliser (libclamav/htmlnorm.c), producing the byte-exact
 * {@code nocomment.html} and {@code notags.html} views plus the {@code data:} URI files. One instance per input.
 *
 * <p>The state machine is deliberately literal, quirks included (a comment ends at the first {@code >}; the text view
 * receives a wrong byte for non-ASCII characters; a quoted attribute value becomes unquoted after its first space),
 * because signatures are written against ClamAV's output, not against HTML. Work is linear in the input: every state
 * either consumes a byte or moves to a state that will; chunk re-reads are bounded by the chunk size.
 */
public final class HtmlNormalizer {
    /** ClamAV's default {@code MaxHTMLNormalize}: larger files are not normalised (nor scanned as HTML) at all. */
    public static final long DEFAULT_MAX_HTML_NORMALIZE = 40L * 1024 * 1024;
    /** ClamAV's default {@code MaxHTMLNoTags}: for larger inputs the no-tags view is not scanned. */
    public static final long DEFAULT_MAX_HTML_NOTAGS = 8L * 1024 * 1024;

    private static final int STR_LEN = 1024;
    private static final long STEPS_PER_BYTE = 64;

    // States, named after ClamAV's.
    private static final int BAD = 0;
    private static final int NORM = 1;
    private static final int EIGHT_BIT = 2;
    private static final int COMMENT = 3;
    private static final int CHAR_REF = 4;
    private static final int ENTITY_REF_DECODE = 5;
    private static final int SKIP_WS = 6;
    private static final int TRIM_WS = 7;
    private static final int TAG = 8;
    private static final int TAG_ARG = 9;
    private static final int TAG_ARG_VAL = 10;
    private static final int TAG_ARG_EQUAL = 11;
    private static final int PROCESS_TAG = 12;
    private static final int CHAR_REF_DECODE = 13;
    private static final int LOOKFOR_SCRENC = 14;
    private static final int JSDECODE = 15;
    private static final int JSDECODE_LENGTH = 16;
    private static final int JSDECODE_DECRYPT = 17;
    private static final int RFC2397_TYPE = 19;
    private static final int RFC2397_INIT = 20;
    private static final int RFC2397_DATA = 21;
    private static final int RFC2397_FINISH = 22;
    private static final int RFC2397_ESC = 23;
    private static final int ESCAPE_CHAR = 24;

    private static final int OUTSIDE = 0;
    private static final int IN_SCRIPT = 1;
    private static final int IN_STYLE = 2;

    private static final int SINGLE_QUOTED = 0;
    private static final int DOUBLE_QUOTED = 1;
    private static final int NOT_QUOTED = 2;

    private static final byte[] SCRENC_START = {'#', '@', '~', '^'};

    private final HtmlChunkReader reader;
    private final OutputBuffer noComment;
    private final OutputBuffer noTags;
    private final int outputCap;
    private final List<byte[]> dataUris = new ArrayList<>();
    private long dataUriBytes;
    private boolean dataUrisTruncated;
    private OutputBuffer dataUri;

    private final byte[] line = new byte[HtmlChunkReader.MAX_CHUNK + 16];
    private int p;
    private int state = NORM;
    private int nextState = BAD;
    private int savedNextState = BAD;
    private boolean binary;
    private boolean escape;
    private boolean hex;
    private long value;
    private long escLength;
    private boolean lookForScrenc;
    private boolean inScrenc;
    private boolean textSpaceWritten;
    private int inTag = OUTSIDE;
    private int quoted = NOT_QUOTED;
    private final byte[] tag = new byte[STR_LEN + 1];
    private int tagLength;
    private final byte[] tagArg = new byte[STR_LEN + 1];
    private int tagArgLength;
    private final byte[] tagVal = new byte[STR_LEN + 1];
    private int tagValLength;
    private final byte[] entityVal = new byte[STR_LEN + 1];
    private int entityValLength;
    private int mbchar;
    private int mbchar2;
    private int styleBegin = -1;
    private int ptrScrenc = -1;
    private final TagArgs tagArgs = new TagArgs();
    private final Screnc screnc = new Screnc();
    private final byte[] unitBuf = new byte[8];
    /**
     * Work limit. A normal parse takes a few steps per byte, but ClamAV re-parses the rest of a chunk each time a
     * script-encoder marker is found after a {@code <%@ ... .encode>} tag, which crafted input can make quadratic
     * within a chunk; past this budget we stop, as if ClamAV had given up, and flag the views as truncated.
     */
    private final long stepBudget;
    private long steps;
    private boolean budgetExceeded;

    private HtmlNormalizer(ScanInput in, int outputCap) {
        this.reader = new HtmlChunkReader(in);
        this.outputCap = outputCap;
        this.noComment = new OutputBuffer(outputCap);
        this.noTags = new OutputBuffer(outputCap);
        this.stepBudget = STEPS_PER_BYTE * (in.size() + HtmlChunkReader.MAX_CHUNK);
    }

    /** Normalises with ClamAV's default limits; {@code null} when the input is over MaxHTMLNormalize. */
    public static HtmlViews normalize(ScanInput in, int maxOutputBytes) {
        return normalize(in, DEFAULT_MAX_HTML_NORMALIZE, DEFAULT_MAX_HTML_NOTAGS, maxOutputBytes);
    }

    /**
     * The views ClamAV scans for an HTML file.
     *
     * @param maxHtmlNormalize inputs larger than this get no views ({@code null}), as in ClamAV
     * @param maxHtmlNoTags inputs larger than this get no no-tags view ({@link HtmlViews#noTags()} is null)
     * @param maxOutputBytes cap for each view (and for all data-URI files together); a safety net only
     */
    public static HtmlViews normalize(ScanInput in, long maxHtmlNormalize, long maxHtmlNoTags, int maxOutputBytes) {
        if (in.size() > maxHtmlNormalize) {
            return null;
        }
        HtmlNormalizer n = new HtmlNormalizer(in, Math.max(0, maxOutputBytes));
        try {
            n.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        n.closeDataUri();
        boolean truncated = n.noComment.truncated() || n.noTags.truncated() || n.dataUrisTruncated
                || n.budgetExceeded;
        byte[] text = in.size() > maxHtmlNoTags ? null : n.noTags.toArray();
        return new HtmlViews(n.noComment.toArray(), text, List.copyOf(n.dataUris), truncated);
    }

    private int cur() {
        return line[p] & 0xff;
    }

    private boolean readLine() throws IOException {
        p = 0;
        return reader.next(line) >= 0;
    }

    private void run() throws IOException {
        boolean haveLine = readLine();
        while (haveLine) {
            while (line[p] != 0 && isSpace(cur())) {
                p++;
            }
            while (line[p] != 0) {
                int c = cur();
                if (!binary && c == '\n') {
                    line[p] = ' ';
                    continue;
                }
                if (!binary && c == '\r') {
                    p++;
                    continue;
                }
                if (++steps > stepBudget) {
                    budgetExceeded = true;
                    return;
                }
                if (!step(c)) {
                    return;
                }
            }
            if (inTag == IN_STYLE && p < styleBegin) {
                return;
            }
            if (lookForScrenc && ptrScrenc >= 0) {
                // the encoded block starts later in this same chunk: resume there
                p = ptrScrenc;
                ptrScrenc = -1;
                state = JSDECODE_LENGTH;
                nextState = BAD;
                continue;
            }
            haveLine = readLine();
            if (inTag == IN_STYLE) {
                styleBegin = 0;
            }
            if (inScrenc) {
                state = JSDECODE_DECRYPT;
                nextState = BAD;
            } else if (lookForScrenc && ptrScrenc < 0 && state != LOOKFOR_SCRENC) {
                savedNextState = nextState;
                nextState = state;
                state = LOOKFOR_SCRENC;
            }
            if (nextState == state) {
                nextState = BAD;
            }
        }
        flushUnfinishedEntity();
    }

    private void flushUnfinishedEntity() {
        if (entityValLength == 0) {
            return;
        }
        int u = HtmlEntities.lookup(entityVal, entityValLength);
        if (u >= 0) {
            int n = HtmlEntities.renderUnit(u, unitBuf);
            for (int i = 0; i < n; i++) {
                noComment.put(unitBuf[i] & 0xff);
            }
        } else {
            noComment.put('&');
            for (int i = 0; i < entityValLength; i++) {
                noComment.put(lower(entityVal[i] & 0xff));
            }
        }
    }

    /** One iteration of ClamAV's inner loop; false when ClamAV would abandon normalisation. */
    private boolean step(int c) {
        switch (state) {
            case SKIP_WS -> {
                if (isSpace(c)) {
                    p++;
                } else {
                    state = nextState;
                    nextState = BAD;
                }
            }
            case TRIM_WS -> {
                if (isSpace(c)) {
                    p++;
                } else {
                    if (inTag == OUTSIDE) {
                        noComment.put(' ');
                    }
                    state = nextState;
                    nextState = BAD;
                }
            }
            case EIGHT_BIT -> eightBit(c);
            case NORM -> norm(c);
            case TAG -> tag(c);
            case TAG_ARG -> tagArg(c);
            case TAG_ARG_EQUAL -> {
                if (c == '=') {
                    noComment.put('=');
                    p++;
                    startValue();
                } else {
                    if (tagArgLength > 0) {
                        tagArg[tagArgLength] = 0;
                        tagArgs.add(tagArg, null, tagIs("script"));
                    }
                    tagArgLength = 0;
                    state = TAG_ARG;
                    nextState = BAD;
                }
            }
            case TAG_ARG_VAL -> tagArgVal(c);
            case COMMENT -> {
                if (inTag != OUTSIDE && !isSpace(c)) {
                    int l = lower(c);
                    noComment.put(l == '\'' ? '"' : l);
                }
                if (c == '>') {
                    state = SKIP_WS;
                    nextState = NORM;
                }
                p++;
            }
            case PROCESS_TAG -> {
                return processTag();
            }
            case CHAR_REF -> {
                if (c == '#') {
                    value = 0;
                    hex = false;
                    state = CHAR_REF_DECODE;
                    p++;
                } else {
                    state = ENTITY_REF_DECODE;
                }
            }
            case ENTITY_REF_DECODE -> entityRef(c);
            case CHAR_REF_DECODE -> charRef(c);
            case LOOKFOR_SCRENC -> {
                lookForScrenc = true;
                int at = indexOf(line, p, SCRENC_START);
                ptrScrenc = -1;
                if (at >= 0) {
                    line[at] = '/';
                    line[at + 1] = '/';
                    ptrScrenc = at + 4;
                }
                state = nextState;
                nextState = savedNextState;
            }
            case JSDECODE -> {
                if (startsWith(line, p, SCRENC_START)) {
                    line[p] = '/';
                    line[p + 1] = '/';
                    p += 4;
                    state = JSDECODE_LENGTH;
                    nextState = BAD;
                } else {
                    noComment.put(lower(c));
                    p++;
                }
            }
            case JSDECODE_LENGTH -> {
                if (strlen(line, p) < 8) {
                    state = NORM;
                    nextState = BAD;
                } else {
                    screnc.start(line, p);
                    state = JSDECODE_DECRYPT;
                    inScrenc = true;
                    nextState = BAD;
                    line[p + 7] = '\n';
                    p += 8;
                }
            }
            case JSDECODE_DECRYPT -> {
                screnc.decode(line, p);
                if (screnc.length == 0) {
                    inScrenc = false;
                }
                state = NORM;
                nextState = BAD;
            }
            case RFC2397_TYPE -> rfcType(c);
            case RFC2397_INIT -> {
                openDataUri();
                state = RFC2397_DATA;
                binary = true;
            }
            case RFC2397_DATA -> rfcData(c);
            case RFC2397_FINISH -> {
                closeDataUri();
                state = SKIP_WS;
                escape = false;
                quoted = NOT_QUOTED;
                nextState = TAG_ARG;
                binary = false;
            }
            case RFC2397_ESC -> {
                if (escLength == 2) {
                    dataPut((int) value);
                } else if (escLength == 1) {
                    dataPut('%');
                    dataPut((int) (value + '0'));
                } else {
                    dataPut('%');
                }
                state = RFC2397_DATA;
            }
            case ESCAPE_CHAR -> {
                if (value < Long.MAX_VALUE / 16) {
                    value *= 16;
                } else {
                    state = nextState;
                    nextState = BAD;
                    p++;
                    return true;
                }
                escLength++;
                if (isHex(c)) {
                    value += hexValue(c);
                } else {
                    state = nextState;
                }
                if (escLength == 2) {
                    state = nextState;
                }
                p++;
            }
            default -> {
                return false; // BAD state: ClamAV reports an engine error and stops
            }
        }
        return true;
    }

    private void eightBit(int c) {
        if (c < 0x80 || mbchar >= 0x10000) {
            if (isFullStop(mbchar, c)) {
                noComment.put('.');
                noTags.put('.');
                if (mbchar == 0xA1) {
                    p++;
                    mbchar = 0;
                    return;
                }
            } else {
                int c0 = (mbchar >>> 16) & 0xff;
                int c1 = (mbchar >>> 8) & 0xff;
                int c2 = mbchar & 0xff;
                if (c0 != 0) {
                    noComment.put(c0);
                    noTags.put(c0);
                }
                if (c0 != 0 || c1 != 0) {
                    noComment.put(c1);
                    noTags.put(c1);
                }
                noComment.put(c2);
                noTags.put(c1); // sic: ClamAV writes the middle byte again instead of the last one
            }
            mbchar = 0;
            state = nextState;
            nextState = NORM;
        } else {
            mbchar = (mbchar << 8) | c;
            p++;
        }
    }

    private static boolean isFullStop(int mb, int c) {
        return mb == 0xE38082 || mb == 0xEFBC8E || mb == 0xEFB992
                || (mb == 0xA1 && (c == 0x43 || c == 0x44 || c == 0x4F));
    }

    private void norm(int c) {
        if (c == '<') {
            noComment.put('<');
            if (inTag == OUTSIDE && !textSpaceWritten) {
                noTags.put(' ');
                textSpaceWritten = true;
            }
            p++;
            state = SKIP_WS;
            tagLength = 0;
            nextState = TAG;
        } else if (isSpace(c)) {
            if (!textSpaceWritten && inTag == OUTSIDE) {
                noTags.put(' ');
                textSpaceWritten = true;
            }
            state = TRIM_WS;
            nextState = NORM;
        } else if (c == '&') {
            if (!textSpaceWritten && inTag == OUTSIDE) {
                noTags.put(' ');
                textSpaceWritten = true;
            }
            state = CHAR_REF;
            nextState = NORM;
            p++;
        } else if (c >= 0x80) {
            state = EIGHT_BIT;
            nextState = NORM;
            mbchar = c;
            p++;
        } else {
            int l = lower(c);
            if (inTag != OUTSIDE && l == '\'') {
                l = '"';
            }
            noComment.put(l);
            if (inTag == OUTSIDE) {
                if (c < 0x20) {
                    if (!textSpaceWritten) {
                        noTags.put(' ');
                        textSpaceWritten = true;
                    }
                } else {
                    noTags.put(l);
                    textSpaceWritten = false;
                }
            }
            p++;
        }
    }

    private void tag(int c) {
        if (tagLength == 0 && c == '!') {
            if (inTag != OUTSIDE) {
                noComment.put('!'); // script bodies keep their comments
            } else {
                noComment.unputLast(); // take back the '<'
            }
            state = COMMENT;
            nextState = BAD;
            p++;
        } else if (c == '>') {
            noComment.put('>');
            p++;
            tag[tagLength] = 0;
            state = SKIP_WS;
            nextState = PROCESS_TAG;
        } else if (!isSpace(c)) {
            noComment.put(lower(c));
            if (inTag != OUTSIDE && tagLength == 0 && c != '/') {
                state = NORM; // inside a script only a closing tag matters
            }
            if (tagLength < STR_LEN) {
                tag[tagLength++] = (byte) lower(c);
            }
            p++;
        } else {
            tag[tagLength] = 0;
            state = SKIP_WS;
            tagArgLength = 0;
            nextState = inTag == OUTSIDE ? TAG_ARG : PROCESS_TAG;
        }
    }

    private void tagArg(int c) {
        if (c == '=') {
            noComment.put('=');
            tagArg[tagArgLength] = 0;
            p++;
            startValue();
        } else if (isSpace(c)) {
            p++;
            tagArg[tagArgLength] = 0;
            state = SKIP_WS;
            nextState = TAG_ARG_EQUAL;
        } else if (c == '>') {
            noComment.put('>');
            if (tagArgLength > 0) {
                tagArg[tagArgLength] = 0;
                tagArgs.add(tagArg, null, tagIs("script"));
            }
            p++;
            state = PROCESS_TAG;
            nextState = BAD;
        } else {
            if (tagArgLength == 0) {
                noComment.put(' ');
            }
            noComment.put(lower(c));
            if (tagArgLength < STR_LEN) {
                tagArg[tagArgLength++] = (byte) lower(c);
            }
            p++;
        }
    }

    private void startValue() {
        state = SKIP_WS;
        escape = false;
        quoted = NOT_QUOTED;
        tagValLength = 0;
        nextState = TAG_ARG_VAL;
    }

    private void tagValPut(int c) {
        if (tagValLength < STR_LEN) {
            tagVal[tagValLength++] = (byte) c;
        }
    }

    private void endValue() {
        tagVal[tagValLength] = 0;
        tagArgs.add(tagArg, tagVal, tagIs("script"));
        state = SKIP_WS;
        tagArgLength = 0;
        nextState = TAG_ARG;
    }

    private void tagArgVal(int c) {
        if ((tagValLength == 5 && startsWith(tagVal, 0, "data:"))
                || (tagValLength == 6 && startsWith(tagVal, 0, "\"data:"))) {
            noComment.unputLast(); // the ':' of "data:"
            if (quoted != NOT_QUOTED) {
                noComment.put('"');
            }
            tagValLength = 0;
            state = RFC2397_TYPE;
            nextState = TAG_ARG;
        } else if (c == '&') {
            state = CHAR_REF;
            nextState = TAG_ARG_VAL;
            p++;
        } else if (c == '\'' || c == '"') {
            int kind = c == '\'' ? SINGLE_QUOTED : DOUBLE_QUOTED;
            if (tagValLength == 0) {
                quoted = kind;
                noComment.put('"');
                tagValPut('"');
                p++;
            } else if (!escape && quoted == kind) {
                noComment.put('"');
                tagValPut('"');
                p++;
                endValue();
            } else {
                noComment.put('"');
                tagValPut('"');
                p++;
            }
        } else if (isSpace(c) || c == '>') {
            if (quoted == NOT_QUOTED) {
                endValue();
            } else {
                noComment.put(c);
                tagValPut(isSpace(c) ? ' ' : '>');
                state = SKIP_WS;
                escape = false;
                quoted = NOT_QUOTED;
                nextState = TAG_ARG_VAL;
                p++;
            }
        } else {
            if (mbchar2 != 0 && (c < 0x80 || mbchar2 >= 0x10000)) {
                if (isFullStop(mbchar2, c)) {
                    noComment.put('.');
                    tagValPut('.');
                    if (mbchar2 == 0xA1) {
                        p++;
                        mbchar2 = 0;
                        return; // ClamAV skips the escape check here
                    }
                } else {
                    int c0 = (mbchar2 >>> 16) & 0xff;
                    int c1 = (mbchar2 >>> 8) & 0xff;
                    int c2 = mbchar2 & 0xff;
                    if (c0 != 0) {
                        noComment.put(c0);
                    }
                    if (c0 != 0 || c1 != 0) {
                        noComment.put(c1);
                    }
                    noComment.put(c2);
                    if (c0 != 0) {
                        tagValPut(c0);
                    }
                    if (c0 != 0 || c1 != 0) {
                        tagValPut(c1);
                    }
                    tagValPut(c2);
                }
                mbchar2 = 0;
            }
            if (c >= 0x80) {
                mbchar2 = (mbchar2 << 8) | c;
            } else {
                noComment.put(lower(c));
                tagValPut(c);
            }
            p++;
        }
        escape = cur() == '\\';
    }

    private void entityRef(int c) {
        if (c == ';') {
            int u = HtmlEntities.lookup(entityVal, entityValLength);
            if (u >= 0) {
                int n = HtmlEntities.renderUnit(u, unitBuf);
                for (int i = 0; i < n; i++) {
                    int b = unitBuf[i] & 0xff;
                    noComment.put(b);
                    if (nextState == TAG_ARG_VAL) {
                        tagValPut(b);
                    }
                }
            } else {
                dumpEntity();
                if (nextState == TAG_ARG_VAL) {
                    tagValPut(';');
                }
                noComment.put(';');
            }
            entityValLength = 0;
            state = nextState;
            nextState = BAD;
            p++;
        } else if ((isAlnum(c) || c == '_' || c == ':' || c == '-') && entityValLength < STR_LEN) {
            entityVal[entityValLength++] = (byte) c;
            p++;
        } else {
            dumpEntity();
            state = nextState;
            nextState = BAD;
            entityValLength = 0;
        }
    }

    private void dumpEntity() {
        if (nextState == TAG_ARG_VAL) {
            tagValPut('&');
        }
        noComment.put('&');
        for (int i = 0; i < entityValLength; i++) {
            int l = lower(entityVal[i] & 0xff);
            noComment.put(l);
            if (nextState == TAG_ARG_VAL) {
                tagValPut(l);
            }
        }
    }

    private void charRef(int c) {
        if (value == 0 && (c == 'x' || c == 'X')) {
            hex = true;
            p++;
        } else if (c == ';') {
            if (nextState == TAG_ARG_VAL) {
                tagValPut((int) value);
            }
            if (value < 0x80) {
                noComment.put(lower((int) value));
            } else {
                int n = HtmlEntities.renderUnit((int) (value & 0xffff), unitBuf);
                noComment.put(unitBuf, 0, n);
            }
            state = nextState;
            nextState = BAD;
            p++;
        } else if (isDigit(c) || (hex && isHex(c))) {
            if (hex && value < Long.MAX_VALUE / 16) {
                value *= 16;
            } else if (value < Long.MAX_VALUE / 10) {
                value *= 10;
            } else {
                noComment.put((int) (value & 0xff));
                state = nextState;
                nextState = BAD;
                p++;
                return;
            }
            long increment = hexValue(c);
            if (value > Long.MAX_VALUE - increment) {
                noComment.put((int) (value & 0xff));
                state = nextState;
                nextState = BAD;
                p++;
                return;
            }
            value += increment;
            p++;
        } else {
            noComment.put((int) (value & 0xff));
            state = nextState;
            nextState = BAD;
        }
    }

    private boolean processTag() {
        state = SKIP_WS;
        nextState = NORM;
        if (tag[0] == '/') {
            if (tagIs("/script")) {
                inTag = OUTSIDE;
            } else if (tagIs("/style") && inTag == IN_STYLE) {
                if (p - "</style>".length() < styleBegin) {
                    return false; // ClamAV aborts on this "style chunk size underflow"
                }
                inTag = OUTSIDE;
                styleBegin = -1;
            }
        } else if (tagIs("script")) {
            byte[] language = tagArgs.value("language");
            if (language != null && equalsIgnoreCase(language, "jscript.encode")) {
                tagArgs.set("language", "javascript");
                state = SKIP_WS;
                nextState = JSDECODE;
                tagArgs.writeTag(noComment, tag, tagLength);
            } else if (language != null && equalsIgnoreCase(language, "vbscript.encode")) {
                tagArgs.set("language", "vbscript");
                state = SKIP_WS;
                nextState = JSDECODE;
                tagArgs.writeTag(noComment, tag, tagLength);
            }
            inTag = IN_SCRIPT;
        } else if (tagIs("style")) {
            inTag = IN_STYLE;
            styleBegin = p;
        } else if (tagIs("%@")) {
            byte[] language = tagArgs.value("language");
            if (language != null && (equalsIgnoreCase(language, "jscript.encode")
                    || equalsIgnoreCase(language, "vbscript.encode"))) {
                savedNextState = nextState;
                nextState = state;
                lookForScrenc = false;
                state = LOOKFOR_SCRENC;
            }
        } else if (tagIs("a")) {
            writeUrlToText(tagArgs.value("href"));
        } else if (tagIs("img")) {
            writeUrlToText(tagArgs.value("src"));
        }
        tagArgs.clear();
        return true;
    }

    private void writeUrlToText(byte[] url) {
        if (url != null && url.length > 0) {
            noTags.put(url, 0, url.length);
            noTags.put(' ');
            textSpaceWritten = true;
        }
    }

    private void rfcType(int c) {
        if (c == '\'' || c == '"') {
            int kind = c == '\'' ? SINGLE_QUOTED : DOUBLE_QUOTED;
            if (!escape && quoted == kind) {
                p++; // early end of the data URI: nothing is extracted
                state = SKIP_WS;
                tagArgLength = 0;
                nextState = TAG_ARG;
            } else {
                tagValPut('"');
                p++;
            }
        } else if (isSpace(c) || c == '>') {
            if (quoted == NOT_QUOTED) {
                state = SKIP_WS;
                tagArgLength = 0;
                nextState = TAG_ARG;
            } else {
                tagValPut(isSpace(c) ? ' ' : '>');
                state = SKIP_WS;
                escape = false;
                quoted = NOT_QUOTED;
                nextState = RFC2397_TYPE;
                p++;
            }
        } else if (c == ',') {
            tagVal[tagValLength] = 0;
            state = RFC2397_INIT;
            escape = false;
            nextState = BAD;
            p++;
        } else {
            tagValPut(lower(c));
            p++;
        }
        escape = cur() == '\\';
    }

    private void rfcData(int c) {
        if (c == '&') {
            state = CHAR_REF;
            nextState = RFC2397_DATA;
            p++;
        } else if (c == '%') {
            escLength = 0;
            value = 0;
            state = ESCAPE_CHAR;
            nextState = RFC2397_ESC;
            p++;
        } else if (c == '\'' || c == '"') {
            int kind = c == '\'' ? SINGLE_QUOTED : DOUBLE_QUOTED;
            if (!escape && quoted == kind) {
                state = RFC2397_FINISH;
            } else {
                dataPut(c);
            }
            p++;
        } else if (isSpace(c) || c == '>') {
            if (quoted == NOT_QUOTED) {
                state = RFC2397_FINISH;
            } else {
                dataPut(c);
            }
            p++;
        } else {
            dataPut(c);
            p++;
        }
        escape = cur() == '\\';
    }

    private void openDataUri() {
        closeDataUri();
        dataUri = new OutputBuffer(outputCap);
        putAscii(dataUri, "From html-normalise\n");
        putAscii(dataUri, "Content-type: ");
        dataUri.put(tagVal, 0, tagValLength);
        dataUri.put('\n');
        if (indexOf(tagVal, 0, ";base64".getBytes(java.nio.charset.StandardCharsets.US_ASCII)) >= 0) {
            putAscii(dataUri, "Content-transfer-encoding: base64\n");
        }
        dataUri.put('\n');
    }

    private void closeDataUri() {
        if (dataUri == null) {
            return;
        }
        byte[] file = dataUri.toArray();
        if (dataUri.truncated() || dataUriBytes + file.length > outputCap) {
            dataUrisTruncated = true;
        }
        if (dataUriBytes + file.length <= outputCap) {
            dataUris.add(file);
            dataUriBytes += file.length;
        }
        dataUri = null;
    }

    private void dataPut(int c) {
        if (dataUri != null) {
            dataUri.put(c & 0xff);
        }
    }

    private static void putAscii(OutputBuffer out, String s) {
        for (int i = 0; i < s.length(); i++) {
            out.put(s.charAt(i));
        }
    }

    private boolean tagIs(String s) {
        int n = cstrlen(tag);
        if (n != s.length()) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            if ((tag[i] & 0xff) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    // ---- C-library style helpers over NUL-terminated byte arrays, ASCII ("C" locale) classification ----

    static boolean isSpace(int c) {
        return c == ' ' || (c >= 0x09 && c <= 0x0d);
    }

    static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isHex(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isAlnum(int c) {
        return isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static int hexValue(int c) {
        return isDigit(c) ? c - '0' : lower(c) - 'a' + 10;
    }

    static int cstrlen(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return n;
    }

    static int strlen(byte[] b, int from) {
        int n = from;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return n - from;
    }

    private static boolean startsWith(byte[] b, int from, byte[] prefix) {
        for (int i = 0; i < prefix.length; i++) {
            if (from + i >= b.length || b[from + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int from, String prefix) {
        for (int i = 0; i < prefix.length(); i++) {
            if (from + i >= b.length || (b[from + i] & 0xff) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** strstr over the NUL-terminated string at {@code from}. */
    static int indexOf(byte[] b, int from, byte[] needle) {
        int end = from + strlen(b, from);
        outer:
        for (int i = from; i + needle.length <= end; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (b[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static boolean equalsIgnoreCase(byte[] a, String s) {
        if (a.length != s.length()) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (lower(a[i] & 0xff) != lower(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
