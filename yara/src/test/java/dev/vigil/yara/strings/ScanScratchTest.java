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

    /**
     * A position-free program caches its steps between states across runs and buffers (a lazy DFA); every run must
     * still end where the NFA alone ends it, whatever other bytes earlier runs read.
     */
    @Test
    void cachedStepsGiveWhatTheNfaGives() {
        String[] regexes = {"\\W\\w+\\s+\\s\".+\"", "(ab|a)+c?", "a.*?b", "[ab]{2,5}b", "(a|b)*c", "[^c]+c",
                "a(b|ab)*?c", "[ab]{1,200}c" /* more states than are cached */};
        Random rnd = new Random(11);
        int matched = 0;
        int cachedPrograms = 0;
        for (String regex : regexes) {
            Program p = program(regex);
            cachedPrograms += p.positionFree ? 1 : 0;
            PikeVm vm = new PikeVm();
            PikeVm reference = new PikeVm();
            for (int round = 0; round < 60; round++) {
                byte[] buf = new byte[200 + rnd.nextInt(400)];
                for (int i = 0; i < buf.length; i++) {
                    int r = rnd.nextInt(10);
                    buf[i] = (byte) (r < 5 ? "abc".charAt(rnd.nextInt(3)) : r < 6 ? 0 : r < 7 ? ' ' : r < 8 ? '"'
                            : r < 9 ? '\n' : rnd.nextInt(256));
                }
                int start = rnd.nextInt(8);
                while (start < buf.length - 2) {
                    int charSize = rnd.nextInt(5) == 0 ? 2 : 1;
                    int limit = Math.min(buf.length, start + 1 + rnd.nextInt(300));
                    int expected = reference.run(p, buf, 0, start, limit, buf.length, charSize);
                    assertThat(vm.runMemo(p, buf, 0, start, limit, buf.length, charSize))
                            .as("%s, round %d, at %d, char size %d", regex, round, start, charSize)
                            .isEqualTo(expected);
                    matched += expected >= 0 ? 1 : 0;
                    start += rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(30) : charSize;
                }
            }
        }
        assertThat(cachedPrograms).isEqualTo(regexes.length);
        assertThat(matched).as("the data must give matches").isGreaterThan(5000);
    }
}
