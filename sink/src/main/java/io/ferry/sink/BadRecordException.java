package io.ferry.sink;

/** Thrown by {@link RecordDecoder} when a record cannot be applied; the message is the reason. */
final class BadRecordException extends Exception {

    BadRecordException(String reason) {
        super(reason);
    }

    BadRecordException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
