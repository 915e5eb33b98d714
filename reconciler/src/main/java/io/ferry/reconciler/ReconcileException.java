package io.ferry.reconciler;

import io.ferry.core.FerryException;

/** The reconciliation could not be carried out (as opposed to: it found differences). */
public final class ReconcileException extends FerryException {

    public ReconcileException(String message) {
        super(message);
    }

    public ReconcileException(String message, Throwable cause) {
        super(message, cause);
    }
}
