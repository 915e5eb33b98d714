package io.ferry.sink;

/**
 * A put's row in a mapped table, or why its value could not be decoded for it.
 *
 * @param mapping the mapping it matched
 * @param values the typed column values, in the mapping's column order; null where absent; null when the value did
 *     not decode
 * @param doc the whole value as JSON text, when the mapping keeps it
 * @param failureTag when the value did not decode, the failure's category ({@code DecodeFailure.tag()}); else null
 * @param failureReason when the value did not decode, why, naming the chain step; never the value or a key
 */
record MappedRow(TableMapping mapping, Object[] values, String doc, String failureTag, String failureReason) {

    MappedRow(TableMapping mapping, Object[] values, String doc) {
        this(mapping, values, doc, null, null);
    }

    /** A value the mapping's decoders could not read: its raw bytes go to the generic table only. */
    static MappedRow undecoded(TableMapping mapping, String tag, String reason) {
        return new MappedRow(mapping, null, null, tag, reason);
    }

    boolean decoded() {
        return failureTag == null;
    }
}
