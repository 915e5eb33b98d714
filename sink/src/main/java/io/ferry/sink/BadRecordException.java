package io.ferry.sink;

/** Thrown by {@link RecordDecoder} when a record cannot be applied; the message is the reason. */
final class BadRecordException extends Exception {

    /** Why a record's signature was refused, for the meter; null when the record is bad for another reason. */
    private final String signature;

    BadRecordException(String reason) {
        this(reason, null, null);
    }

    BadRecordException(String reason, Throwable cause) {
        this(reason, cause, null);
    }

    private BadRecordException(String reason, Throwable cause, String signature) {
        super(reason, cause);
        this.signature = signature;
    }

    /** A record refused for its signature: {@code unsigned}, {@code unknown_key} or {@code invalid}. */
    static BadRecordException signature(String problem, String reason) {
        return new BadRecordException(reason, null, problem);
    }

    String signatureProblem() {
        return signature;
    }
}
