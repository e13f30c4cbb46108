package dev.vigil.yara;

import java.util.List;

/**
 * What a YARA scan of one object found.
 *
 * @param matches     matching non-private rules, in declaration order
 * @param notMatching the non-private rules that did not match, in declaration order; with the matches their strings
 *                    had all the same ({@code yara -n -s} prints them) when the scan was asked for them
 *                    ({@link YaraScanOptions#notMatchingStrings()}), else with no string matches
 * @param warnings    run-time warnings as {@code yara} prints them (e.g. too many matches for a string)
 * @param console     lines written by the {@code console} module, in order
 */
public record YaraScanResult(List<RuleMatch> matches, List<RuleMatch> notMatching, List<String> warnings,
                             List<String> console) {
}
