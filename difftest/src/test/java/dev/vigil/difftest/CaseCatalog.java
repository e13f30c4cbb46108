package dev.vigil.difftest;

import dev.vigil.difftest.gen.CaseGenerator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Every differential case, in a fixed order: the data-driven cases under {@code src/test/resources/cases/}, the
 * generated ones ({@link CaseGenerator} implementations registered for {@link ServiceLoader}), and the shared
 * third-party signature sets over the {@link SharedCorpus}.
 *
 * <p>Layout of a case folder (resource or generated): every regular file at its top is a database, loaded in name
 * order, except {@code case.properties} and names starting with {@code .} or {@code README}; inputs are everything
 * under {@code inputs/}. Optional {@code case.properties} keys:
 * <ul>
 *   <li>{@code pe=off} scans {@code inputs/} with clamscan's PE parsing off (for packed or wrapping executables;
 *       default {@code parse}, see {@link PeMode});</li>
 *   <li>{@code inputs.shared=true} also scans the shared corpus with the case's databases.</li>
 * </ul>
 */
public final class CaseCatalog {
    /** File name extensions of ClamAV databases, to pick databases out of the shared folders. */
    private static final Set<String> DATABASE_EXTENSIONS = Set.of("db", "hdb", "hdu", "hsb", "hsu", "mdb", "mdu",
            "msb", "msu", "imp", "ndb", "ndu", "ldb", "ldu", "idb", "cdb", "cfg", "crb", "fp", "sfp", "ign", "ign2",
            "ftm", "pdb", "gdb", "wdb", "info", "cvd", "cld", "cud", "cbc", "yar", "yara");

    private final Path scratch;
    private List<InputGroup> sharedCorpus;

    public CaseCatalog(Path scratch) {
        this.scratch = scratch;
    }

    public List<DiffCase> resourceCases() throws IOException {
        URL url = CaseCatalog.class.getResource("/cases");
        if (url == null) {
            return List.of();
        }
        Path root;
        try {
            root = Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IOException(e);
        }
        List<DiffCase> cases = new ArrayList<>();
        for (Path dir : sortedChildren(root, Files::isDirectory)) {
            cases.add(fromFolder(dir.getFileName().toString(), "resource cases/" + dir.getFileName(), dir));
        }
        return cases;
    }

    public List<DiffCase> generatedCases() throws IOException {
        List<CaseGenerator> generators = new ArrayList<>();
        ServiceLoader.load(CaseGenerator.class).forEach(generators::add);
        generators.sort(Comparator.comparing(CaseGenerator::name));
        List<DiffCase> cases = new ArrayList<>();
        for (CaseGenerator g : generators) {
            Path dir = Files.createDirectories(scratch.resolve("generated").resolve(g.name()));
            g.generate(dir);
            cases.add(fromFolder(g.name(), "generator " + g.getClass().getName(), dir));
        }
        return cases;
    }

    /**
     * The third-party and ClamAV unit-test databases. Left out for now: bytecode ({@code .cbc}, needs a bytecode
     * interpreter) and YARA ({@code .yar}) files among ClamAV's pe_allmatch signatures, and the signed {@code .info}
     * manifests (clamscan loads those only inside a container).
     */
    public List<DiffCase> sharedCases() throws IOException {
        Path shared = Oracles.shared();
        Path sigs = shared.resolve("signatures/clamav");
        Path unit = shared.resolve("conformance/clamav-unit-input");
        List<DiffCase> cases = new ArrayList<>();
        cases.add(shared("rfxn-lmd", sigs.resolve("rfxn-lmd"), databaseFiles(sigs.resolve("rfxn-lmd"))));
        cases.add(shared("ditekshen", sigs.resolve("ditekshen"), databaseFiles(sigs.resolve("ditekshen"))));
        Path official = sigs.resolve("official-daily-main");
        cases.add(shared("official-daily-main", official, databaseFiles(official).stream()
                .filter(p -> !p.getFileName().toString().endsWith(".info")).toList()));
        for (Path cvd : sortedChildren(sigs.resolve("test-cvd"), p -> p.toString().endsWith(".cvd"))) {
            String name = cvd.getFileName().toString().replace(".cvd", "");
            cases.add(shared("test-cvd-" + name, cvd, List.of(cvd)));
        }
        cases.add(shared("unit-clamav-hdb", unit.resolve("clamav.hdb"), List.of(unit.resolve("clamav.hdb"))));
        cases.add(shared("unit-other-sigs", unit.resolve("other_sigs"), databaseFiles(unit.resolve("other_sigs"))));
        Path embedded = unit.resolve("embedded_testfiles/signatures");
        cases.add(shared("unit-embedded-sigs", embedded, databaseFiles(embedded)));
        Path pe = unit.resolve("pe_allmatch");
        List<Path> peDbs = new ArrayList<>();
        for (String folder : List.of("alert-sigs", "weak-sigs", "broken-sigs")) {
            peDbs.addAll(databaseFiles(pe.resolve(folder)).stream()
                    .filter(p -> !p.toString().endsWith(".cbc") && !p.toString().endsWith(".yar")).toList());
        }
        cases.add(shared("unit-pe-allmatch", pe, peDbs));
        return cases;
    }

    private DiffCase shared(String name, Path origin, List<Path> databases) throws IOException {
        return new DiffCase(name, "shared " + origin, databases, sharedCorpus());
    }

    /** The shared corpus, built on first use (it copies about 40 MiB). */
    synchronized List<InputGroup> sharedCorpus() throws IOException {
        if (sharedCorpus == null) {
            sharedCorpus = SharedCorpus.build(Oracles.shared(), scratch.resolve("corpus"));
        }
        return sharedCorpus;
    }

    private DiffCase fromFolder(String name, String origin, Path dir) throws IOException {
        Properties props = new Properties();
        Path propsFile = dir.resolve("case.properties");
        if (Files.exists(propsFile)) {
            try (InputStream in = Files.newInputStream(propsFile)) {
                props.load(in);
            }
        }
        PeMode mode = switch (props.getProperty("pe", "parse")) {
            case "parse" -> PeMode.PARSE;
            case "off" -> PeMode.OFF;
            default -> throw new IOException(propsFile + ": pe must be parse or off");
        };
        List<InputGroup> groups = new ArrayList<>();
        Path inputs = dir.resolve("inputs");
        if (Files.isDirectory(inputs)) {
            groups.add(new InputGroup("inputs", inputs, mode));
        }
        if (Boolean.parseBoolean(props.getProperty("inputs.shared", "false"))) {
            groups.addAll(sharedCorpus());
        }
        if (groups.isEmpty()) {
            throw new IOException(dir + ": a case needs an inputs/ folder or inputs.shared=true");
        }
        List<Path> databases = sortedChildren(dir, p -> Files.isRegularFile(p)
                && !p.getFileName().toString().equals("case.properties")
                && !p.getFileName().toString().startsWith(".")
                && !p.getFileName().toString().startsWith("README"));
        if (databases.isEmpty()) {
            throw new IOException(dir + ": a case needs at least one database file");
        }
        return new DiffCase(name, origin, databases, groups);
    }

    private static List<Path> databaseFiles(Path dir) {
        return sortedChildren(dir, p -> {
            String name = p.getFileName().toString();
            return Files.isRegularFile(p) && DATABASE_EXTENSIONS.contains(name.substring(name.lastIndexOf('.') + 1));
        });
    }

    private static List<Path> sortedChildren(Path dir, Predicate<Path> keep) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(keep).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
