/**
 * YARA 4.5 string matching. {@link dev.vigil.yara.strings.StringCompiler} turns a
 * {@link dev.vigil.yara.syntax.StringDecl} into a {@link dev.vigil.yara.strings.CompiledString}: text strings with
 * nocase/ascii/wide/xor/fullword are compared directly, base64 strings as their literal encodings, hex strings and
 * regexes run on a Thompson NFA (Pike simulation with Perl priority, no backtracking). The engine finds the string's
 * atoms and calls {@code verify} for each occurrence in increasing position order; matches land in a reusable
 * {@link dev.vigil.yara.strings.StringMatches} with YARA's rules (one per offset, sorted, greedy replace, 1,000,000
 * cap). {@link dev.vigil.yara.strings.StringScanner} is the reference driver of that contract.
 */
package dev.vigil.yara.strings;
