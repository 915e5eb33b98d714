package io.ferry.watcher.engine;

import io.etcd.jetcd.common.exception.CompactedException;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.core.FerryException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;

/** Decides, in one place and by walking the cause chain, what a failure means for the watcher. */
final class Failures {

    private Failures() {
    }

    /** etcd no longer holds the revision that was asked for: only a new snapshot can recover. */
    static boolean isCompaction(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof CompactedException) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && m.contains("required revision has been compacted")) {
                return true;
            }
        }
        return false;
    }

    /** etcd was asked for a revision it has not reached yet. */
    static boolean isFutureRevision(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.contains("required revision is a future revision")) {
                return true;
            }
        }
        return false;
    }

    /** Another watcher with the same transactional id took over: this one must stop producing. */
    static boolean isFenced(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof ProducerFencedException || c instanceof InvalidProducerEpochException) {
                return true;
            }
        }
        return false;
    }

    /** Retrying will not help: credentials or permissions are wrong, in Kafka or in etcd. */
    static boolean isFatal(Throwable t) {
        if (EtcdPermissionDenied.isDenied(t)) {
            return true;
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof AuthenticationException || c instanceof AuthorizationException
                    || c instanceof TransactionalIdAuthorizationException) {
                return true;
            }
        }
        return false;
    }

    /** Thrown inside the engine when etcd reports that the needed revision is compacted. */
    static final class RevisionCompacted extends RuntimeException {
        RevisionCompacted(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A failure that resuming from the checkpoint can get past: Kafka or etcd away for a while, leadership lost. */
    static final class Transient extends FerryException {
        Transient(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
