package dev.vigil.unpack.lzx;

import dev.vigil.unpack.UnpackException;

/** LZX data that cannot be decoded: a bad block, a broken Huffman code, a match outside the window, early end. */
public final class LzxException extends UnpackException {
    public LzxException(String message) {
        super(message);
    }
}
