package dev.vigil.cli;

import dev.vigil.clamav.DatabaseException;
import dev.vigil.clamav.cvd.CvdContainer;
import dev.vigil.updates.monitor.LineSignatureNames;
import dev.vigil.updates.monitor.SignatureLister;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;

/** Signature names for the monitor: text databases line by line, and the members of signed ClamAV containers. */
final class SignatureNames implements SignatureLister {
    private final LineSignatureNames lines = new LineSignatureNames();

    @Override
    public Set<String> names(String artifactName, Path file) throws IOException {
        CvdContainer.Kind kind = CvdContainer.Kind.of(Path.of(artifactName));
        if (kind == null) {
            return lines.names(artifactName, file);
        }
        CvdContainer.Limits limits = CvdContainer.Limits.DEFAULT;
        if (Files.size(file) > limits.maxContainerBytes()) {
            throw new IOException("container is larger than " + limits.maxContainerBytes() + " bytes");
        }
        CvdContainer c;
        try {
            c = CvdContainer.open(Files.readAllBytes(file), kind, artifactName, true, limits);
        } catch (DatabaseException e) {
            throw new IOException("not a valid ClamAV container: " + e.getMessage(), e);
        }
        Set<String> out = new TreeSet<>();
        for (CvdContainer.Entry e : c.entries()) {
            Set<String> names = LineSignatureNames.names(e.name(), e.content());
            if (names != null) {
                out.addAll(names);
            }
        }
        return out;
    }
}
