package dev.vigil.clamav.ldb;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.filetype.TargetType;
import dev.vigil.engine.ir.Range;
import dev.vigil.engine.ir.TargetDescription;

import java.util.ArrayList;
import java.util.List;

/**
 * Parses a target description block ({@code Engine:81-255,Target:1,FileSize:100-2000,...}) with libclamav's
 * rules: attributes are handled left to right and the first unknown name or file type skips the signature, the first
 * malformed one rejects it; {@code Engine} must come first; any attribute other than {@code Target}/{@code Engine}
 * needs {@code Engine} with a minimum of at least 51; only the first ten comma-separated attributes are read and
 * only the first sixteen {@code Intermediates}; a repeated attribute's last value wins; empty numbers read as 0.
 */
final class TargetDescriptionParser {
    private static final int MAX_ATTRIBUTES = 10;
    private static final int MAX_INTERMEDIATES = 16;
    private static final int NEW_ATTRIBUTES_MIN_FLEVEL = 51;

    private TargetDescriptionParser() {
    }

    /** Returns null when ClamAV skips the signature silently. */
    static TargetDescription parse(String block, int engineLevel) throws SignatureSyntaxException {
        List<String> tokens = split(block, ',', MAX_ATTRIBUTES);
        Long target = null;
        Range engine = null;
        Range fileSize = null;
        Range entryPoint = null;
        Range sections = null;
        String container = null;
        String handler = null;
        String icon1 = null;
        String icon2 = null;
        List<String> intermediates = null;
        boolean newAttributes = false;
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            int colon = token.indexOf(':');
            if (colon < 0) {
                throw new SignatureSyntaxException("target description: attribute '" + token + "' has no value");
            }
            String key = token.substring(0, colon);
            String value = token.substring(colon + 1);
            switch (key) {
                case "Target", "Engine", "FileSize", "EntryPoint", "NumberOfSections", "IconGroup1", "IconGroup2",
                     "Container", "HandlerType", "Intermediates" -> {
                }
                default -> {
                    return null;
                }
            }
            if (key.equals("Engine")) {
                if (i != 0) {
                    throw new SignatureSyntaxException("target description: Engine must be the first attribute");
                }
            } else if (!key.equals("Target")) {
                newAttributes = true;
            }
            switch (key) {
                case "Target" -> {
                    if (!CNumbers.isNumber(value)) {
                        throw new SignatureSyntaxException("target description: invalid Target '" + value + "'");
                    }
                    target = CNumbers.atoiUnsigned(value);
                }
                case "Engine", "FileSize", "EntryPoint", "NumberOfSections" -> {
                    Range r = range(key, value);
                    switch (key) {
                        case "Engine" -> engine = r;
                        case "FileSize" -> fileSize = r;
                        case "EntryPoint" -> entryPoint = r;
                        default -> sections = r;
                    }
                }
                case "Container", "HandlerType" -> {
                    if (!ClamFileTypes.isKnown(value)) {
                        return null;
                    }
                    if (key.equals("Container")) {
                        container = value;
                    } else {
                        handler = value;
                    }
                }
                case "Intermediates" -> {
                    List<String> types = split(value, '>', MAX_INTERMEDIATES);
                    for (String t : types) {
                        if (!ClamFileTypes.isKnown(t)) {
                            return null;
                        }
                    }
                    intermediates = types;
                }
                case "IconGroup1" -> icon1 = value;
                default -> icon2 = value;
            }
        }
        if (newAttributes && (engine == null || engine.min() < NEW_ATTRIBUTES_MIN_FLEVEL)) {
            throw new SignatureSyntaxException(
                    "target description: attributes other than Target need Engine with a minimum of at least 51");
        }
        if (engine != null && (engine.min() > engineLevel || engine.max() < engineLevel)) {
            return null;
        }
        if (target == null) {
            throw new SignatureSyntaxException("target description: no Target");
        }
        if (target >= TargetType.LIMIT) {
            return null;
        }
        int t = (int) (long) target;
        if ((icon1 != null || icon2 != null) && t != TargetType.PE) {
            throw new SignatureSyntaxException("target description: IconGroup needs Target:1");
        }
        if ((entryPoint != null || sections != null) && !TargetType.isExecutable(t)) {
            throw new SignatureSyntaxException("target description: EntryPoint/NumberOfSections need Target 1, 6 or 9");
        }
        return new TargetDescription(t, fileSize, entryPoint, sections, container, intermediates, icon1, icon2,
                handler);
    }

    private static Range range(String key, String value) throws SignatureSyntaxException {
        int dash = value.indexOf('-');
        if (dash < 0) {
            throw new SignatureSyntaxException("target description: " + key + " needs a range min-max");
        }
        String lo = value.substring(0, dash);
        String hi = value.substring(dash + 1);
        if (!CNumbers.isNumber(lo) || !CNumbers.isNumber(hi)) {
            throw new SignatureSyntaxException("target description: invalid range for " + key + ": '" + value + "'");
        }
        return new Range(CNumbers.atoiUnsigned(lo), CNumbers.atoiUnsigned(hi));
    }

    /** cli_strtokenize: at most {@code max} fields; text after the last field's delimiter is dropped. */
    static List<String> split(String s, char delimiter, int max) {
        List<String> out = new ArrayList<>();
        int from = 0;
        while (out.size() < max) {
            int d = s.indexOf(delimiter, from);
            if (d < 0) {
                out.add(s.substring(from));
                break;
            }
            out.add(s.substring(from, d));
            from = d + 1;
        }
        return out;
    }
}
