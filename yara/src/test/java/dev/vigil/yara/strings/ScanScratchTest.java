package dev.vigil.yara.strings;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The NFA machines of a {@link ScanScratch} are shared by strings and reused by scans: never a stale result. */
class ScanScratchTest {

    private static Program program(String regex) {
        return Program.compile(RegexParser.parse(regex, false, false).root, PatternString.SCAN_LIMIT + 1);
    }

    /**
     * The next scan may bring the same buffer object at the same offset with other bytes; a memo of the previous
     * scan's run one byte earlier must not be taken over.
     */
    @Test
    void aRunOfAnEarlierScanIsNeverTakenOver() {
        Program p = program("a*b");
        byte[] buf = "aaaaaaaaaaaaaaaaaaab".getBytes(StandardCharsets.US_ASCII);
        ScanScratch scratch = new ScanScratch();
        scratch.begin();
        PikeVm vm = scratch.vm(0);
        assertThat(vm.runMemo(p, buf, 0, 0, buf.length, buf.length)).isEqualTo(20);
        assertThat(vm.runMemo(p, buf, 0, 1, buf.length, buf.length)).isEqualTo(19);
        scratch.end();
        buf[buf.length - 1] = 'c';
        scratch.begin();
        assertThat(vm.runMemo(p, buf, 0, 2, buf.length, buf.length)).isEqualTo(-1);
        assertThat(vm.runMemo(p, buf, 0, 3, buf.length, buf.length)).isEqualTo(-1);
    }

    /** Several programs take turns on one machine, at runs of consecutive starts and at isolated ones. */
    @Test
    void programsSharingAMachineGetWhatAFreshMachineGets() {
        String[] regexes = {"a*b", "(ab|a)+c?", "[ab]{2,5}b", "a.*?b", "\\bab", "b$", "(a|b)*c", "a+", "^a", "[^c]+c"};
        Program[] programs = new Program[regexes.length];
        for (int i = 0; i < regexes.length; i++) {
            programs[i] = program(regexes[i]);
        }
        Random rnd = new Random(7);
        ScanScratch scratch = new ScanScratch();
        PikeVm reference = new PikeVm();
        int matched = 0;
        byte[] buf = new byte[600]; // the same buffer object every scan, other bytes
        for (int scan = 0; scan < 40; scan++) {
            for (int i = 0; i < buf.length; i++) {
                int r = rnd.nextInt(8);
                buf[i] = r < 5 ? (byte) ('a' + rnd.nextInt(3)) : r < 7 ? 0 : (byte) ' ';
            }
            scratch.begin();
            PikeVm vm = scratch.vm(0);
            int start = 0;
            while (start < buf.length - 2) {
                int pi = rnd.nextInt(programs.length);
                Program p = programs[pi];
                int charSize = rnd.nextInt(4) == 0 ? 2 : 1;
                int runs = 1 + rnd.nextInt(12);
                for (int k = 0; k < runs && start < buf.length - 2; k++) {
                    int limit = Math.min(buf.length, start + 200);
                    int expected = reference.run(p, buf, 0, start, limit, buf.length, charSize);
                    assertThat(vm.runMemo(p, buf, 0, start, limit, buf.length, charSize))
                            .as("scan %d, %s at %d, char size %d", scan, regexes[pi], start, charSize)
                            .isEqualTo(expected);
                    matched += expected >= 0 ? 1 : 0;
                    start += charSize;
                }
                start += rnd.nextInt(3) == 0 ? rnd.nextInt(40) : 0;
            }
            scratch.end();
        }
        assertThat(matched).as("the data must give matches").isGreaterThan(1000);
    }
}
