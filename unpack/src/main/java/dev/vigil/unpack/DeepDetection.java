package dev.vigil.unpack;

import dev.vigil.engine.Detection;
import dev.vigil.engine.SignatureKind;

import java.util.List;

/**
 * A detection somewhere inside a scanned object.
 *
 * @param name           the signature name as clamscan prints it
 * @param kind           what produced it ({@link SignatureKind#HEURISTIC} for limit and encryption alerts)
 * @param offset         offset of the match inside the object that matched, or -1
 * @param path           names from the top-level object down to the object that matched: {@code ["outer.zip",
 *                       "inner/a.tar", "x.exe"]}; one element for a detection on the top-level object itself
 * @param containerTypes the ClamAV types of the containers along {@code path} (one fewer than path elements)
 */
public record DeepDetection(String name, SignatureKind kind, long offset, List<String> path,
                            List<String> containerTypes) {

    public DeepDetection {
        path = List.copyOf(path);
        containerTypes = List.copyOf(containerTypes);
    }

    /** The detection as the engine reports one (name, kind, offset), for outputs that do not show the path. */
    public Detection detection() {
        return new Detection(name, kind, offset);
    }

    /** The path joined with {@code /}, as the JSON output shows it. */
    public String pathString() {
        return String.join("/", path);
    }
}
