package dev.vigil.updates.http;

import java.io.IOException;
import java.util.List;

/** Fewer witnesses cosigned than the quorum needs; {@link #failures()} says what each missing one answered. */
public final class WitnessQuorumException extends IOException {
    private final int cosigned;
    private final int quorum;
    private final List<String> failures;

    public WitnessQuorumException(int cosigned, int quorum, List<String> failures) {
        super("only " + cosigned + " of the " + quorum + " witness cosignatures needed were obtained"
                + (failures.isEmpty() ? "" : ": " + String.join("; ", failures)));
        this.cosigned = cosigned;
        this.quorum = quorum;
        this.failures = List.copyOf(failures);
    }

    public int cosigned() {
        return cosigned;
    }

    public int quorum() {
        return quorum;
    }

    public List<String> failures() {
        return failures;
    }
}
