package dev.vigil.yara;

import java.util.List;

/**
 * What a YARA scan of one object found.
 *
 * @param matches     matching non-private rules, in declaration order
 * @param notMatching identifiers ({@code namespace:name}) of the non-private rules that did not match, in declaration order
 * @param warnings    run-time warnings as {@code yara} prints them (e.g. too many matches for a string)
 * @param console     lines written by the {@code console} module, in order
 */
public record YaraScanResult(List<RuleMatch> matches, List<String> notMatching, List<String> warnings,
                             List<String> console) {
}
