package dev.vigil.engine.image;

import java.io.IOException;

/** Turns the text of an {@link ImageEncodable} back into the reader's object. */
@FunctionalInterface
public interface ImageDecoder {

    /**
     * @param codec       the object's {@link ImageEncodable#imageCodec()}
     * @param text        its {@link ImageEncodable#imageText()}
     * @param subsignature for a subsignature, its index in its logical signature; otherwise -1
     * @param target      the logical signature's target type
     */
    Object decode(String codec, String text, int subsignature, int target) throws IOException;

    /**
     * Whether objects of {@code codec} are immutable, so that a reader may decode equal texts (at the same
     * subsignature index and target) once and share the object.
     */
    default boolean shareable(String codec) {
        return false;
    }

    /** A decoder that knows no codec: reading an image that needs one fails clearly. */
    ImageDecoder NONE = (codec, text, sub, target) -> {
        throw new ImageFormatException("the image needs the '" + codec + "' decoder, which was not given");
    };
}
