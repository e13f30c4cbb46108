package dev.vigil.yara.strings;

/**
 * Matcher scratch shared by every string of one scan. Verification runs one string at a time, and the jump matcher
 * marks its scratch by generation, so one copy serves all strings: without sharing, each string that reached the
 * matcher allocated (and zeroed) its own marks array in every scanned file.
 */
public final class ScanScratch {
    final JumpMatcher.Scratch jump = new JumpMatcher.Scratch();
}
