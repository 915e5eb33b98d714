package io.ferry.reconciler.etcd;

import io.ferry.reconciler.ReconcileException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an etcd read, retrying transient failures. Reads are safe to repeat. The transient ones
 * are gRPC UNAVAILABLE (a member restarting, a leader change) and INTERNAL. etcd 3.4 as Debian
 * builds it was seen here, rarely, to send a malformed frame on a busy connection; gRPC then
 * fails that one call with "end-of-stream mid-frame", and the same read succeeds when repeated.
 */
public final class EtcdReads {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdReads.class);
    private static final int ATTEMPTS = 5;
    private static final long TIMEOUT_SECONDS = 60;

    private EtcdReads() {
    }

    public static <T> T read(String what, Supplier<CompletableFuture<T>> call) {
        return read(what, call.get(), call);
    }

    /** Waits for {@code first}, an already issued attempt, and repeats {@code call} on a transient failure. */
    public static <T> T read(String what, CompletableFuture<T> first, Supplier<CompletableFuture<T>> call) {
        CompletableFuture<T> attempt = first;
        for (int n = 1; ; n++) {
            try {
                return attempt.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ReconcileException("interrupted while " + what, e);
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
                if (n >= ATTEMPTS || !transient_(cause)) {
                    String hint = String.valueOf(cause).contains("compacted")
                            ? " That revision has been compacted: compare at a newer one (leave out --revision)."
                            : " Check etcd.endpoints and that etcd is up.";
                    throw new ReconcileException(what + " failed after " + n + " attempt(s): " + cause + "." + hint, cause);
                }
                LOG.warn("{} failed (attempt {}/{}), retrying: {}", what, n, ATTEMPTS, cause.toString());
                sleep(100L << n);
                attempt = call.get();
            }
        }
    }

    private static boolean transient_(Throwable t) {
        if (t instanceof TimeoutException) {
            return true;
        }
        String s = String.valueOf(t);
        return s.contains("UNAVAILABLE") || s.contains("INTERNAL") || s.contains("DEADLINE_EXCEEDED");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ReconcileException("interrupted while waiting to retry an etcd read", e);
        }
    }
}
