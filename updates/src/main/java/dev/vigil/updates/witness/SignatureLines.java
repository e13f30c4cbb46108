package dev.vigil.updates.witness;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.note.Note;
import dev.vigil.updates.note.NoteSignature;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The body of a 200 answer to {@code add-checkpoint}: one or more note signature lines. It is read by appending it
 * to a placeholder note, so the line rules are exactly those of signed notes.
 */
public final class SignatureLines {
    public static final int MAX_BODY = 64 * 1024;

    private SignatureLines() {
    }

    public static List<NoteSignature> parse(byte[] body) throws FormatException {
        if (body.length == 0 || body.length > MAX_BODY) {
            throw new FormatException("signature lines body must be 1.." + MAX_BODY + " bytes");
        }
        byte[] framed = new byte[3 + body.length];
        framed[0] = 'x';
        framed[1] = '\n';
        framed[2] = '\n';
        System.arraycopy(body, 0, framed, 3, body.length);
        // The body itself may not contain a blank line, or the split would move into it.
        for (int i = 1; i < body.length; i++) {
            if (body[i] == '\n' && body[i - 1] == '\n') {
                throw new FormatException("blank line in signature lines");
            }
        }
        if (body[0] == '\n') {
            throw new FormatException("blank line in signature lines");
        }
        return Note.parse(framed).signatures();
    }

    public static byte[] format(List<NoteSignature> signatures) {
        StringBuilder sb = new StringBuilder();
        for (NoteSignature s : signatures) {
            sb.append(s.line());
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
