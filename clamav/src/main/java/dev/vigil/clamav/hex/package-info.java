/**
 * ClamAV's hex body-pattern and offset syntax to the engine IR, refusing exactly what ClamAV 1.4 refuses (including
 * its Aho-Corasick depth rules, the prefilter of targets 0, 1, 4 and 7, and the lenient number reading of
 * {@code sscanf}/{@code atoi}).
 *
 * <p>{@code aa[x-y]...} and {@code ...[x-y]bb} become look-arounds at a distance: ClamAV checks the anchor byte outside
 * the match, so the match offset (for offset fields) is where the bytes after {@code aa[x-y]} begin, and a following
 * gap is measured from before {@code [x-y]bb}.
 *
 * <p>Known differences in meaning that the IR cannot express yet:
 * <ul>
 *   <li>{@code SEx,shift}: the shift is dropped ({@code OffsetSpec.InSection} has none).</li>
 *   <li>{@code !(L)} at the end of a part consumes a lone CR to look past it (moves that part's end by one).</li>
 *   <li>ClamAV tries generic alternatives in order without backtracking when they are "unique" by its own
 *       comparison; the IR alternation is fully backtracking. Only odd mixes of nibble wildcards differ.</li>
 *   <li>A negated multi-byte alternation at the very end of the data counts as matching in ClamAV.</li>
 * </ul>
 */
package dev.vigil.clamav.hex;
