package dev.vigil.cli;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * clamscan accepts {@code --recursive=yes} and {@code --infected=no} for its on/off options; picocli flags take no
 * value. This rewrites such arguments of the scan command before parsing: {@code =yes} to the bare flag,
 * {@code =no} to nothing (every such flag is off by default).
 */
final class ClamscanArgs {
    private ClamscanArgs() {
    }

    static String[] normalize(String[] args, CommandLine scan) {
        Set<String> flags = new HashSet<>();
        for (OptionSpec o : scan.getCommandSpec().options()) {
            if (o.arity().max() == 0) {
                for (String n : o.names()) {
                    if (n.startsWith("--")) {
                        flags.add(n);
                    }
                }
            }
        }
        List<String> out = new ArrayList<>(args.length);
        boolean inScan = false;
        boolean optionsEnded = false;
        for (String a : args) {
            if (!inScan || optionsEnded) {
                inScan |= a.equals("scan");
                out.add(a);
                continue;
            }
            if (a.equals("--")) {
                optionsEnded = true;
                out.add(a);
                continue;
            }
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2 && flags.contains(a.substring(0, eq))) {
                switch (a.substring(eq + 1).toLowerCase(Locale.ROOT)) {
                    case "yes", "true" -> out.add(a.substring(0, eq));
                    case "no", "false" -> {
                    }
                    default -> out.add(a); // picocli reports the bad value
                }
            } else {
                out.add(a);
            }
        }
        return out.toArray(String[]::new);
    }
}
