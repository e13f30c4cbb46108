package dev.vigil.daemon.http;

import java.io.IOException;

/** A request body went past the configured size limit; the request is answered 413. */
final class BodyTooLargeException extends IOException {
    BodyTooLargeException(long limit) {
        super("request body larger than " + limit + " bytes");
    }
}
