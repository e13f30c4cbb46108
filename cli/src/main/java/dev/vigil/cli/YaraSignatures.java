package dev.vigil.cli;

import dev.vigil.yara.YaraCompileException;
import dev.vigil.yara.YaraCompiler;
import dev.vigil.yara.YaraRules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The YARA rules of a {@code vigil scan}: .yar/.yara files named by -d (or found in a -d directory, as clamscan
 * picks them up there) and the files given with --rules, compiled as one rule set, as yara compiles several rule
 * files. Detections are named {@code YARA.<rule>.UNOFFICIAL}, as clamscan names them.
 */
final class YaraSignatures {
    private YaraSignatures() {
    }

    static boolean isYaraFile(Path p) {
        String n = p.getFileName() == null ? "" : p.getFileName().toString().toLowerCase(Locale.ROOT);
        return n.endsWith(".yar") || n.endsWith(".yara");
    }

    /** The YARA files among the -d arguments, in their order (a directory's in name order), then --rules. */
    static List<Path> files(List<Path> databases, List<Path> rules) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path db : databases) {
            if (Files.isDirectory(db)) {
                try (Stream<Path> s = Files.list(db)) {
                    s.filter(p -> isYaraFile(p) && Files.isRegularFile(p))
                            .sorted(Comparator.comparing(p -> p.getFileName().toString()))
                            .forEach(files::add);
                }
            } else if (isYaraFile(db)) {
                files.add(db);
            }
        }
        files.addAll(rules);
        return files;
    }

    /** The compiled rules, or null when there are no YARA files. */
    static YaraRules compile(List<Path> files) throws Signatures.LoadFailure {
        if (files.isEmpty()) {
            return null;
        }
        YaraCompiler compiler = new YaraCompiler();
        for (Path f : files) {
            try {
                compiler.addFile(f, "default");
            } catch (IOException e) {
                throw new Signatures.LoadFailure("Can't load " + f + ": " + Errors.strerror(e), e);
            }
        }
        try {
            return compiler.compile();
        } catch (YaraCompileException e) {
            StringBuilder b = new StringBuilder("Can't load YARA rules:");
            e.errors().forEach(d -> b.append("\n  ").append(d.format()));
            throw new Signatures.LoadFailure(b.toString(), e);
        }
    }

    static String detectionName(String rule) {
        return "YARA." + rule + ".UNOFFICIAL";
    }
}
