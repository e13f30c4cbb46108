package dev.vigil.difftest.yara;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The reference {@code yara} 4.5.2: compile checks and scans whose output is parsed into a {@link YaraReport}. */
final class YaraProcess {
    static final Path YARA = Path.of("/usr/bin/yara");
    private static final Pattern HIT = Pattern.compile("^0x([0-9a-f]+):(\\d+):(\\$\\w*):xor\\(0x([0-9a-f]{2}),");
    private static final Pattern SCAN_ERROR = Pattern.compile("^error scanning (.*): (.*)$");

    record Output(int exit, String stdout, String stderr) {
    }

    private YaraProcess() {
    }

    static boolean available() {
        if (!Files.isExecutable(YARA)) {
            return false;
        }
        try {
            return run(List.of(YARA.toString(), "-v"), 30).stdout().equals("4.5.2\n");
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Whether yara compiles these rule files together (with the set's externals). */
    static boolean compiles(List<Path> files, List<String> defines) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(YARA.toString(), "-w"));
        cmd.addAll(defines);
        files.forEach(f -> cmd.add(f.toString()));
        cmd.add("/dev/null");
        return run(cmd, 300).exit() == 0;
    }

    /** {@code yara -w -L -X -p 2 DEFINES RULES --scan-list LIST}, parsed. */
    static YaraReport scan(YaraRuleSet set, List<Path> files, Path workDir) throws IOException, InterruptedException {
        Path list = workDir.resolve("scan-list.txt");
        StringBuilder b = new StringBuilder();
        files.forEach(f -> b.append(f).append('\n'));
        Files.writeString(list, b.toString(), StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(YARA.toString(), "-w", "-L", "-X", "-p", "2"));
        cmd.addAll(set.defineArgs());
        set.files().forEach(f -> cmd.add(f.toString()));
        cmd.add("--scan-list");
        cmd.add(list.toString());
        long start = System.nanoTime();
        Output o = run(cmd, 3600);
        long nanos = System.nanoTime() - start;
        if (o.exit() != 0) {
            throw new IOException("yara failed (" + o.exit() + "): " + String.join(" ", cmd) + "\n" + o.stderr());
        }
        YaraReport r = parse(o.stdout(), o.stderr());
        r.nanos = nanos;
        return r;
    }

    /**
     * Parses yara's {@code -L -X} output. A rule line is {@code RULE PATH}; the string lines that follow it (yara
     * prints a rule and its strings under one lock, so threads do not interleave them) start with {@code 0x}, which
     * no rule name can (identifiers start with a letter or underscore).
     */
    static YaraReport parse(String stdout, String stderr) {
        YaraReport r = new YaraReport();
        List<YaraReport.Hit> hits = null;
        for (String line : stdout.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("0x")) {
                Matcher m = HIT.matcher(line);
                if (!m.find() || hits == null) {
                    throw new IllegalArgumentException("unexpected yara line: " + line);
                }
                hits.add(new YaraReport.Hit(Long.parseLong(m.group(1), 16), Integer.parseInt(m.group(2)), m.group(3),
                        Integer.parseInt(m.group(4), 16)));
            } else {
                int space = line.indexOf(' ');
                if (space <= 0) {
                    throw new IllegalArgumentException("unexpected yara line: " + line);
                }
                hits = new ArrayList<>();
                r.add(line.substring(space + 1), line.substring(0, space), hits);
            }
        }
        for (String line : stderr.split("\n")) {
            Matcher m = SCAN_ERROR.matcher(line);
            if (m.matches()) {
                r.errors.put(m.group(1), m.group(2));
            }
        }
        return r;
    }

    static Output run(List<String> command, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        var err = new ByteArrayOutputStream();
        Thread errReader = Thread.ofVirtual().start(() -> {
            try (InputStream es = p.getErrorStream()) {
                es.transferTo(err);
            } catch (IOException ignored) {
                // closed with the process
            }
        });
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        errReader.join();
        return new Output(p.exitValue(), new String(out, StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
