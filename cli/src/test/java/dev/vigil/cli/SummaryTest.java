package dev.vigil.cli;

import dev.vigil.engine.Detection;
import dev.vigil.engine.SignatureKind;
import dev.vigil.cli.Event.FileOutcome;
import dev.vigil.cli.Event.FileOutcome.Kind;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SummaryTest {

    private static FileOutcome outcome(Kind kind) {
        List<Detection> d = kind == Kind.INFECTED ? List.of(new Detection("X", SignatureKind.HASH, -1)) : List.of();
        return new FileOutcome("p", kind, d, 10, null, null, null, 0, 0);
    }

    @Test
    void exitStatusFoundWinsOverErrors() {
        ScanStats s = new ScanStats();
        assertThat(s.exitCode()).isZero();
        s.record(outcome(Kind.CLEAN));
        s.record(outcome(Kind.EMPTY));
        assertThat(s.exitCode()).isZero();
        s.record(outcome(Kind.SCAN_ERROR));
        assertThat(s.exitCode()).isEqualTo(2);
        s.record(outcome(Kind.INFECTED));
        assertThat(s.exitCode()).isEqualTo(1);
    }

    @Test
    void missingArgumentsFailWithoutCountingAsErrors() {
        ScanStats s = new ScanStats();
        s.record(new Event.Unreachable("x", "No such file or directory"));
        assertThat(s.errors).isZero();
        assertThat(s.exitCode()).isEqualTo(2);
        ScanStats u = new ScanStats();
        u.record(new Event.Unsupported("fifo"));
        assertThat(u.exitCode()).isEqualTo(2);
    }

    @Test
    void countsFollowClamscan() {
        ScanStats s = new ScanStats();
        s.record(outcome(Kind.CLEAN));
        s.record(outcome(Kind.INFECTED));
        s.record(outcome(Kind.EMPTY)); // not a scanned file
        s.record(outcome(Kind.ACCESS_DENIED));
        s.record(Event.Notice.cannotOpenDirectory("d"));
        s.record(Event.Notice.symbolicLink("l"));
        assertThat(s.files).isEqualTo(2);
        assertThat(s.infectedFiles).isEqualTo(1);
        assertThat(s.errors).isEqualTo(2);
    }

    @Test
    void timeIsWholeSecondsAndTruncatedMilliseconds() {
        assertThat(Summary.time(9_999)).isEqualTo("Time: 0.009 sec (0 m 0 s)");
        assertThat(Summary.time(61_234_999)).isEqualTo("Time: 61.234 sec (1 m 1 s)");
        assertThat(Summary.time(3_600_000_000L)).isEqualTo("Time: 3600.000 sec (60 m 0 s)");
    }

    @Test
    void megabytesCountFourKilobyteBlocks() {
        assertThat(Summary.megabytes(256)).isEqualTo(1.0);
        assertThat(Summary.megabytes(1)).isEqualTo(4 / 1024.0);
    }
}
