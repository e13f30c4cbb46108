package dev.vigil.cli;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.policy.Policy;
import dev.vigil.updates.release.Cosigning;

/** Parses {@code URL=VKEY} witness arguments into endpoints the publisher asks for cosignatures. */
final class WitnessEndpoints {
    private WitnessEndpoints() {
    }

    static Cosigning.Target target(String arg) throws FormatException {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--witness wants URL=VKEY, got " + arg);
        }
        String url = arg.substring(0, eq);
        var key = Policy.cosignerKey(arg.substring(eq + 1));
        throw new IllegalArgumentException("witness URLs need the HTTP client, not in this build: " + url + " (" + key.name() + ")");
    }
}
