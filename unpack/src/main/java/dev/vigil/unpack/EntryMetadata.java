package dev.vigil.unpack;

/**
 * What a container says about one of its entries, offered to {@link ChildSink#metadata} before the entry is
 * extracted (encrypted entries included), for container-metadata signatures ({@code .cdb}).
 *
 * @param name            the entry's name
 * @param sizeInContainer its stored (compressed) size, or 0 where the format does not say
 * @param realSize        its real (uncompressed) size as declared, or 0
 * @param encrypted       whether the container marks it encrypted
 * @param position        its number in the container, as ClamAV counts for this format
 */
public record EntryMetadata(String name, long sizeInContainer, long realSize, boolean encrypted, int position) {
}
