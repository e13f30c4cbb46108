package dev.vigil.cli;

import dev.vigil.updates.FormatException;
import dev.vigil.updates.http.WitnessClient;
import dev.vigil.updates.policy.Policy;

import java.net.URI;

/** Parses {@code URL=VKEY} witness arguments into clients the publisher asks for cosignatures. */
final class WitnessEndpoints {
    private WitnessEndpoints() {
    }

    static WitnessClient client(String arg) throws FormatException {
        int eq = arg.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--witness wants URL=VKEY, got " + arg);
        }
        URI url;
        try {
            url = URI.create(arg.substring(0, eq));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--witness: not a URL: " + arg.substring(0, eq));
        }
        return new WitnessClient(url, Policy.cosignerKey(arg.substring(eq + 1)), WitnessClient.DEFAULT_TIMEOUT);
    }
}
