package dev.vigil.daemon.http;

import java.io.IOException;

/** A multipart/form-data body that breaks the format; the request is answered 400. */
final class MultipartException extends IOException {
    MultipartException(String message) {
        super(message);
    }
}
