/**
 * YARA 4.5.2's {@code pe} module ({@link dev.vigil.yara.modules.pe.PeModule}). Values are checked against
 * {@code yara -D} on sample, damaged and signed files by the tests. Known differences, all on hostile input:
 * <ul>
 * <li>Loops YARA leaves unbounded are bounded: resource directory entries visited (4M), delayed-import functions
 * (1M), nested signatures inside nested signatures (depth 8).</li>
 * <li>Regex overloads of {@code imports()} count a DLL/function when the expression matches anywhere; YARA requires
 * its leftmost match to be non-empty, which differs only for expressions that can match the empty string.</li>
 * <li>Authenticode is decoded with an own DER reader that mimics OpenSSL 3.0's strictness; certificate chains of
 * damaged certificates can differ where OpenSSL's issuer check (extension cache, key decoding) refuses an issuer.
 * A certificate table starting inside the security directory entry gives no file digest (OpenSSL hashes stale
 * buffer bytes there). BER indefinite lengths are refused.</li>
 * <li>Inputs above 2 GiB are seen up to that size.</li>
 * </ul>
 */
package dev.vigil.yara.modules.pe;
