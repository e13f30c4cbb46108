package dev.vigil.clamav.ldb;

import dev.vigil.clamav.SignatureSyntaxException;
import dev.vigil.engine.image.ImageDecoder;
import dev.vigil.engine.image.ImageFormatException;

/** Parses the ClamAV objects an engine image stores as text back into the objects the scan evaluates. */
public final class ImageDecoding {
    private ImageDecoding() {
    }

    public static final ImageDecoder DECODER = new ImageDecoder() {
        @Override
        public Object decode(String codec, String text, int subsignature, int target) throws ImageFormatException {
            try {
                return switch (codec) {
                    case "clamav.logic" -> ClamLogicExpression.parse(text);
                    case "clamav.pcre" -> PcreSubSignature.parse(text, subsignature, target);
                    case "clamav.bytecompare" -> ByteCompareSubSignature.fromImage(text, subsignature);
                    default -> throw new ImageFormatException("engine image needs an unknown decoder '" + codec + "'");
                };
            } catch (SignatureSyntaxException e) {
                throw new ImageFormatException("engine image is corrupt: " + codec + " '" + text + "': "
                        + e.getMessage());
            }
        }

        /** Logical expressions are immutable trees (evaluation keeps its state outside them). */
        @Override
        public boolean shareable(String codec) {
            return codec.equals("clamav.logic");
        }
    };
}
