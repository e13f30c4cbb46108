package dev.vigil.daemon.http;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The request threads: a fixed pool with a bounded queue (a full queue refuses the connection, which the JDK's
 * server then closes), and a deadline on every exchange. The JDK server reads request headers and bodies with
 * blocking reads on interruptible channels, so a client that is too slow is cut off by interrupting its thread,
 * which closes its connection. Time spent scanning is excluded with {@link #pause()} and {@link #resume()}.
 */
final class DeadlineExecutor implements Executor, AutoCloseable {
    private static final ThreadLocal<Deadline> CURRENT = new ThreadLocal<>();

    private final ThreadPoolExecutor pool;
    private final ScheduledExecutorService ticker;
    private final Set<Deadline> active = ConcurrentHashMap.newKeySet();
    private final long timeoutNanos;
    private final AtomicInteger timedOut = new AtomicInteger();

    DeadlineExecutor(int threads, int queueLength, Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        AtomicInteger ids = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                queueLength == 0 ? new java.util.concurrent.SynchronousQueue<>() : new ArrayBlockingQueue<>(queueLength),
                r -> daemon(r, "vigil-http-" + ids.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
        ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "vigil-http-deadlines"));
        t.setRemoveOnCancelPolicy(true);
        this.ticker = t;
        long tick = Math.max(10, Math.min(250, timeout.toMillis() / 4));
        ticker.scheduleAtFixedRate(this::expire, tick, tick, TimeUnit.MILLISECONDS);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    @Override
    public void execute(Runnable exchange) {
        pool.execute(() -> {
            Deadline d = new Deadline(Thread.currentThread(), System.nanoTime() + timeoutNanos);
            CURRENT.set(d);
            active.add(d);
            try {
                exchange.run();
            } finally {
                active.remove(d);
                CURRENT.remove();
                d.finish();
            }
        });
    }

    /**
     * Stops the clock of the calling request thread (no effect outside one).
     *
     * @throws InterruptedIOException when the deadline has already passed (the connection is closed by then)
     */
    static void pause() throws InterruptedIOException {
        Deadline d = CURRENT.get();
        if (d != null && !d.pause()) {
            throw new InterruptedIOException("request took longer than its deadline");
        }
    }

    /** Restarts the clock with the time that was left when it was paused. */
    static void resume() {
        Deadline d = CURRENT.get();
        if (d != null) {
            d.resume();
        }
    }

    /**
     * Brings the calling request thread's deadline to at most {@code grace} from now: once a reply that closes the
     * connection is sent, the JDK server still drains some of the unread body, and a client that sends nothing
     * more must not hold the thread for a whole timeout.
     */
    static void shorten(Duration grace) {
        Deadline d = CURRENT.get();
        if (d != null) {
            d.shorten(System.nanoTime() + grace.toNanos());
        }
    }

    /** Exchanges cut off so far for being too slow. */
    int timedOut() {
        return timedOut.get();
    }

    int activeThreads() {
        return pool.getActiveCount();
    }

    private void expire() {
        long now = System.nanoTime();
        for (Deadline d : active) {
            if (d.expireIfDue(now)) {
                timedOut.incrementAndGet();
            }
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        pool.shutdownNow(); // interrupts blocked reads, which closes their connections
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static final class Deadline {
        private final Thread thread;
        private long due;
        private long left;
        private boolean paused;
        private boolean done;
        private boolean expired;

        Deadline(Thread thread, long due) {
            this.thread = thread;
            this.due = due;
        }

        synchronized boolean expireIfDue(long now) {
            if (done || paused || expired || now - due < 0) {
                return false;
            }
            expired = true;
            thread.interrupt();
            return true;
        }

        synchronized boolean pause() {
            if (!paused && !expired) {
                paused = true;
                left = due - System.nanoTime();
            }
            return !expired;
        }

        synchronized void shorten(long latest) {
            paused = false;
            if (due - latest > 0) {
                due = latest;
            }
        }

        synchronized void resume() {
            if (paused) {
                paused = false;
                due = System.nanoTime() + left;
            }
        }

        /** Called on the request thread: after this no interrupt can arrive, and a pending one is cleared. */
        synchronized void finish() {
            done = true;
            Thread.interrupted();
        }
    }
}
