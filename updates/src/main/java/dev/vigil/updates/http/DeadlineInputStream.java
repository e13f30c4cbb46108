package dev.vigil.updates.http;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A response body with a byte limit and a deadline. The JDK client's request timeout ends when headers arrive, so a
 * server trickling its body would otherwise hold the reader forever: at the deadline a watchdog closes the stream,
 * which wakes a blocked read. Reading past the limit fails at once, whatever Content-Length said.
 */
final class DeadlineInputStream extends InputStream {
    private static final ScheduledThreadPoolExecutor WATCHDOG = watchdog();

    private final InputStream in;
    private final long limit;
    private final String what;
    private final Duration timeout;
    private final ScheduledFuture<?> alarm;
    private volatile boolean expired;
    private long count;

    DeadlineInputStream(InputStream in, long limit, Duration timeout, String what) {
        this.in = in;
        this.limit = limit;
        this.what = what;
        this.timeout = timeout;
        this.alarm = WATCHDOG.schedule(this::expire, Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
    }

    private static ScheduledThreadPoolExecutor watchdog() {
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, "vigil-http-body-deadlines");
            thread.setDaemon(true);
            return thread;
        });
        t.setRemoveOnCancelPolicy(true);
        return t;
    }

    private void expire() {
        expired = true;
        try {
            in.close();
        } catch (IOException e) {
            // the reader sees the expiry either way
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        checkExpired();
        // Ask for one byte more than the limit allows so that an oversized body is noticed, not cut silently.
        long remaining = limit - count;
        int want = remaining >= len ? len : (int) (remaining + 1);
        int n;
        try {
            n = in.read(b, off, want);
        } catch (IOException e) {
            checkExpired();
            throw e;
        }
        checkExpired();
        if (n > 0) {
            count += n;
            if (count > limit) {
                close();
                throw new BodyTooLargeException(what + " is larger than " + limit + " bytes");
            }
        }
        return n;
    }

    private void checkExpired() throws HttpTimeoutException {
        if (expired) {
            throw new HttpTimeoutException(what + " was not received within " + timeout);
        }
    }

    @Override
    public void close() throws IOException {
        alarm.cancel(false);
        in.close();
    }

    /** A body that went past its limit (an endless or oversized answer). */
    static final class BodyTooLargeException extends IOException {
        BodyTooLargeException(String message) {
            super(message);
        }
    }
}
