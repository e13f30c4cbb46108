package dev.vigil.engine.normalize;

import java.util.List;

/**
 * The buffers ClamAV derives from an HTML file and scans.
 *
 * @param noComment {@code nocomment.html}: tags and text lower-cased, comments removed (script bodies kept),
 *     entities decoded; scanned as CL_TYPE_HTML (targets 0 and 3)
 * @param noTags {@code notags.html}: only the visible text (plus link/image URLs), whitespace squashed; scanned as
 *     CL_TYPE_HTML unless the input is larger than MaxHTMLNoTags ({@code null} then)
 * @param dataUris one synthetic mail-like file per {@code data:} URI found in a tag attribute (ClamAV's
 *     {@code rfc2397/} directory), each scanned as a new file (type detected from its content)
 * @param truncated whether an output cap cut any of the views short (ClamAV itself has no such cap)
 */
public record HtmlViews(byte[] noComment, byte[] noTags, List<byte[]> dataUris, boolean truncated) {
}
