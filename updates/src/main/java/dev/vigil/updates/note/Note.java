package dev.vigil.updates.note;

import dev.vigil.updates.Encoding;
import dev.vigil.updates.FormatException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A signed note (c2sp.org/signed-note): UTF-8 text ending in a newline, a blank line, then signature lines. Parsing
 * checks the form only; {@link Notes#open} checks signatures.
 */
public final class Note {
    /** Largest note accepted; checkpoints and witness responses are a few hundred bytes. */
    public static final int MAX_SIZE = 1 << 20;
    /** Like Go's note package: C2SP asks for at least 16, and more than 100 is an attack, not a note. */
    public static final int MAX_SIGNATURES = 100;
    private static final String DASH = "\u2014 ";

    private final byte[] text;
    private final List<NoteSignature> signatures;

    private Note(byte[] text, List<NoteSignature> signatures) {
        this.text = text;
        this.signatures = List.copyOf(signatures);
    }

    /** A note to be formatted; the text is validated here. */
    public static Note of(byte[] text, List<NoteSignature> signatures) throws FormatException {
        checkText(text);
        if (signatures.size() > MAX_SIGNATURES) {
            throw new FormatException("too many signatures");
        }
        return new Note(text.clone(), signatures);
    }

    public static Note parse(byte[] message) throws FormatException {
        if (message.length > MAX_SIZE) {
            throw new FormatException("note larger than " + MAX_SIZE + " bytes");
        }
        String all = decodeUtf8(message);
        checkNoControl(all);
        int split = all.lastIndexOf("\n\n");
        if (split < 0) {
            throw new FormatException("malformed note: no blank line before the signatures");
        }
        String textPart = all.substring(0, split + 1);
        String sigPart = all.substring(split + 2);
        if (sigPart.isEmpty()) {
            throw new FormatException("malformed note: no signatures");
        }
        List<NoteSignature> sigs = new ArrayList<>();
        int pos = 0;
        while (pos < sigPart.length()) {
            int end = sigPart.indexOf('\n', pos);
            if (end < 0) {
                throw new FormatException("malformed note: signature line without final newline");
            }
            if (sigs.size() == MAX_SIGNATURES) {
                throw new FormatException("malformed note: too many signatures (more than " + MAX_SIGNATURES + ")");
            }
            sigs.add(parseLine(sigPart.substring(pos, end)));
            pos = end + 1;
        }
        return new Note(textPart.getBytes(StandardCharsets.UTF_8), sigs);
    }

    private static NoteSignature parseLine(String line) throws FormatException {
        if (!line.startsWith(DASH)) {
            throw new FormatException("malformed note: not a signature line");
        }
        String rest = line.substring(DASH.length());
        int space = rest.indexOf(' ');
        if (space <= 0 || rest.indexOf(' ', space + 1) >= 0) {
            throw new FormatException("malformed note: signature line is not \"— name signature\"");
        }
        String name = rest.substring(0, space);
        if (!KeyNames.isValid(name)) {
            throw new FormatException("malformed note: invalid key name");
        }
        return NoteSignature.of(name, Encoding.decodeBase64(rest.substring(space + 1), "signature"));
    }

    static String decodeUtf8(byte[] data) throws FormatException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(data)).toString();
        } catch (CharacterCodingException e) {
            throw new FormatException("malformed note: invalid UTF-8");
        }
    }

    private static void checkNoControl(String s) throws FormatException {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 && c != '\n') {
                throw new FormatException("malformed note: control character U+" + String.format("%04X", (int) c));
            }
        }
    }

    /** The text rules on their own: UTF-8, no control characters but newline, final newline. */
    public static void checkText(byte[] text) throws FormatException {
        if (text.length > MAX_SIZE) {
            throw new FormatException("note text larger than " + MAX_SIZE + " bytes");
        }
        checkNoControl(decodeUtf8(text));
        if (text.length == 0 || text[text.length - 1] != '\n') {
            throw new FormatException("malformed note: text must end in a newline");
        }
    }

    public byte[] text() {
        return text.clone();
    }

    public String textString() {
        return new String(text, StandardCharsets.UTF_8);
    }

    public List<NoteSignature> signatures() {
        return signatures;
    }

    /** The wire form: text, blank line, one line per signature. */
    public byte[] format() {
        StringBuilder sb = new StringBuilder(textString()).append('\n');
        for (NoteSignature sig : signatures) {
            sb.append(sig.line());
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Note other && Arrays.equals(text, other.text) && signatures.equals(other.signatures);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(text) * 31 + signatures.hashCode();
    }
}
