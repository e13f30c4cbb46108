package dev.vigil.unpack;

import dev.vigil.engine.ir.ContainerSignature;
import dev.vigil.engine.ir.ContainerSignature.MetaRange;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The engine's container-metadata signatures ({@code .cdb}), with their file-name expressions compiled once. An
 * entry matches as in ClamAV's {@code cli_matchmeta}: container type, encryption flag, container size, stored size,
 * real size, position, then the name expression (searched, not anchored).
 */
final class ContainerRules {
    private record Rule(ContainerSignature signature, Pattern name, boolean usable) {
    }

    private final List<Rule> rules;

    ContainerRules(List<ContainerSignature> signatures) {
        List<Rule> out = new ArrayList<>(signatures.size());
        for (ContainerSignature s : signatures) {
            Pattern p = null;
            boolean usable = true;
            if (s.fileNameRegex() != null) {
                try {
                    p = Pattern.compile(fromPosix(s.fileNameRegex()));
                } catch (PatternSyntaxException e) {
                    // A POSIX expression Java cannot express: the signature never matches (documented).
                    usable = false;
                }
            }
            out.add(new Rule(s, p, usable));
        }
        this.rules = List.copyOf(out);
    }

    boolean isEmpty() {
        return rules.isEmpty();
    }

    /** Names of the signatures that match {@code entry} of a container of {@code type} and {@code containerSize}. */
    List<String> matches(String type, long containerSize, EntryMetadata entry) {
        List<String> names = new ArrayList<>(0);
        for (Rule r : rules) {
            ContainerSignature s = r.signature();
            if (!r.usable()) {
                continue;
            }
            if (s.containerType() != null && !s.containerType().equals(type)) {
                continue;
            }
            if (s.encrypted() >= 0 && (s.encrypted() == 1) != entry.encrypted()) {
                continue;
            }
            if (!MetaRange.holds(s.containerSize(), containerSize)
                    || !MetaRange.holds(s.sizeInContainer(), entry.sizeInContainer())
                    || !MetaRange.holds(s.realSize(), entry.realSize())
                    || !MetaRange.holds(s.position(), entry.position())) {
                continue;
            }
            if (r.name() != null && !r.name().matcher(entry.name()).find()) {
                continue;
            }
            names.add(s.name());
        }
        return names;
    }

    /** POSIX bracket classes ({@code [[:digit:]]}) in Java's spelling; the rest of ERE reads the same in Java. */
    static String fromPosix(String ere) {
        return ere.replace("[:alpha:]", "\\p{Alpha}").replace("[:digit:]", "\\p{Digit}")
                .replace("[:alnum:]", "\\p{Alnum}").replace("[:upper:]", "\\p{Upper}")
                .replace("[:lower:]", "\\p{Lower}").replace("[:space:]", "\\s").replace("[:punct:]", "\\p{Punct}")
                .replace("[:xdigit:]", "\\p{XDigit}").replace("[:print:]", "\\p{Print}")
                .replace("[:cntrl:]", "\\p{Cntrl}").replace("[:graph:]", "\\p{Graph}").replace("[:blank:]", "[ \\t]");
    }
}
