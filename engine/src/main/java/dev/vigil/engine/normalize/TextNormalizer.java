package dev.vigil.engine.normalize;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * ClamAV's normalised view of an ASCII text file (the buffer its target-7 signatures see).
 *
 * <p>Byte classes: {@code 0x09-0x0d} and space are whitespace, squashed to one space per run; other control bytes and
 * every byte {@code >= 0x80} are dropped; {@code A-Z} become lower case; everything else ({@code 0x21-0x7f}) is kept.
 * A run of whitespace interrupted only by dropped bytes still yields one space.
 *
 * <p>ClamAV normalises into a window of {@code SCANBUFF + maxpatlen} bytes that it refills page by page (4096 input
 * bytes); each time the window is scanned and restarted, the "space already written" flag is cleared, so a whitespace
 * run that straddles such a restart yields two spaces. {@link #normalize(ScanInput, long, int, boolean, long)}
 * reproduces that.
 */
public final class TextNormalizer {
    /** ClamAV's default {@code MaxScriptNormalize}: larger text files get no normalised scan at all. */
    public static final long DEFAULT_MAX_SCRIPT_NORMALIZE = 20L * 1024 * 1024;
    /** ClamAV's {@code SCANBUFF} (compile-time scan buffer size). */
    static final int SCAN_BUFFER = 131072;
    /** fmap page size on Linux; the unit in which ClamAV feeds the normaliser. */
    static final int PAGE = 4096;

    private static final byte SKIP = 0;
    private static final byte SPACE = 1;
    private static final byte LOWER = 2;
    private static final byte KEEP = 3;
    private static final byte[] ACTION = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            byte a;
            if (c == ' ' || (c >= 0x09 && c <= 0x0d)) {
                a = SPACE;
            } else if (c < 0x20 || c >= 0x80) {
                a = SKIP;
            } else if (c >= 'A' && c <= 'Z') {
                a = LOWER;
            } else {
                a = KEEP;
            }
            ACTION[c] = a;
        }
    }

    private TextNormalizer() {
    }

    /**
     * Normalises a whole byte range in one pass (no window restarts); output is at most {@code len} bytes.
     */
    public static byte[] normalize(byte[] data, int off, int len) {
        byte[] out = new byte[len];
        int n = normalizeInto(data, off, len, out, 0, new boolean[1]);
        return Arrays.copyOf(out, n);
    }

    /**
     * The normalised text ClamAV scans for {@code in}, as one contiguous buffer, including the extra spaces its window
     * restarts produce for a signature set whose longest target-7 pattern is {@code maxPatternLength} bytes.
     *
     * @param fileBacked ClamAV's path when target-7 signatures use relative offsets (or bytecode hooks): the whole
     *     normalised text is written out and scanned once; its whitespace flag resets every
     *     {@code SCANBUFF + maxpatlen} input bytes instead of at in-memory window flushes
     * @param maxBytes the caller's output cap (output never exceeds the input size either)
     * @return the normalised bytes, or {@code null} when the input exceeds {@code maxScriptNormalize}, in which case
     *     ClamAV does not scan a normalised view at all
     */
    public static byte[] normalize(ScanInput in, long maxScriptNormalize, int maxPatternLength, boolean fileBacked,
                                   long maxBytes) {
        long size = in.size();
        if (size > maxScriptNormalize) {
            return null;
        }
        long cap = Math.max(0, Math.min(Math.min(size, maxBytes), Integer.MAX_VALUE - 16));
        byte[] out = new byte[(int) cap];
        int outLen = 0;
        int overlap = Math.max(0, maxPatternLength);
        long windowCapacity = (long) SCAN_BUFFER + overlap;
        long window = 0;
        boolean[] spaceWritten = new boolean[1];
        byte[] page = new byte[PAGE];
        try {
            for (long pos = 0; pos < size && outLen < out.length; ) {
                int want = (int) Math.min(PAGE, size - pos);
                if (fileBacked) {
                    // text_normalize_map never reads past the end of its current output-sized block
                    long intoBlock = pos % windowCapacity;
                    want = (int) Math.min(want, windowCapacity - intoBlock);
                    if (intoBlock == 0) {
                        spaceWritten[0] = false;
                    }
                } else if (window + want > windowCapacity) {
                    // ClamAV scans the window, keeps maxpatlen bytes of overlap and resets its whitespace flag.
                    window = overlap;
                    spaceWritten[0] = false;
                }
                int got = readFully(in, pos, page, want);
                if (got <= 0) {
                    break;
                }
                int before = outLen;
                outLen = normalizeInto(page, 0, got, out, outLen, spaceWritten);
                window += outLen - before;
                pos += got;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return outLen == out.length ? out : Arrays.copyOf(out, outLen);
    }

    /** ClamAV defaults, in-memory path, no signature-length dependent overlap. */
    public static byte[] normalize(ScanInput in, long maxBytes) {
        return normalize(in, DEFAULT_MAX_SCRIPT_NORMALIZE, 0, false, maxBytes);
    }

    /**
     * Normalises {@code data[off, off+len)} into {@code out} from {@code outPos} until either side is exhausted.
     * {@code spaceWritten[0]} carries the whitespace-run state between calls.
     *
     * @return the new output position
     */
    static int normalizeInto(byte[] data, int off, int len, byte[] out, int outPos, boolean[] spaceWritten) {
        int p = outPos;
        boolean space = spaceWritten[0];
        int end = off + len;
        for (int i = off; i < end && p < out.length; i++) {
            int c = data[i] & 0xff;
            switch (ACTION[c]) {
                case SKIP -> {
                }
                case SPACE -> {
                    if (!space) {
                        out[p++] = ' ';
                    }
                    space = true;
                }
                case LOWER -> {
                    out[p++] = (byte) (c + 32);
                    space = false;
                }
                default -> {
                    out[p++] = (byte) c;
                    space = false;
                }
            }
        }
        spaceWritten[0] = space;
        return p;
    }

    private static int readFully(ScanInput in, long pos, byte[] buf, int want) throws IOException {
        int n = 0;
        while (n < want) {
            int r = in.read(pos + n, buf, n, want - n);
            if (r <= 0) {
                break;
            }
            n += r;
        }
        return n;
    }
}
