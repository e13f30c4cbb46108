package dev.vigil.engine.image;

/**
 * An IR object implemented by a signature reader (a logical expression, a PCRE subsignature) that an engine image
 * stores as the reader's own source text, to be parsed again by the reader's {@link ImageDecoder} when the image is
 * read. The engine cannot store what it does not own; objects without this interface make an engine unimageable.
 */
public interface ImageEncodable {

    /** Names the decoder that can parse {@link #imageText()} back, e.g. {@code clamav.logic}. */
    String imageCodec();

    /** The source text the object was parsed from. */
    String imageText();
}
