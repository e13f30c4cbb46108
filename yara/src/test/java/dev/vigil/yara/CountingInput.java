package dev.vigil.yara;

import dev.vigil.engine.io.ScanInput;

import java.io.IOException;

/** For tests: data in memory that counts the reads made of it and the bytes they returned, and can end early. */
public final class CountingInput implements ScanInput {
    private final ScanInput data;
    /** How many reads were made, and how many bytes they returned. */
    public int reads;
    public long bytesRead;
    /** Once this many bytes were read, every read returns nothing (a file cut short while it is scanned). */
    public long cutAfterRead = Long.MAX_VALUE;

    public CountingInput(byte[] data) {
        this.data = ScanInput.of(data);
    }

    @Override
    public long size() {
        return data.size();
    }

    @Override
    public int read(long position, byte[] dst, int offset, int length) throws IOException {
        reads++;
        if (bytesRead >= cutAfterRead) {
            return 0;
        }
        int n = data.read(position, dst, offset, length);
        bytesRead += n;
        return n;
    }
}
