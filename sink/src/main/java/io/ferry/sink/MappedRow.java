package io.ferry.sink;

/**
 * A put's row in a mapped table.
 *
 * @param mapping the mapping it matched
 * @param values the typed column values, in the mapping's column order; null where absent
 * @param doc the whole value as JSON text, when the mapping keeps it
 */
record MappedRow(TableMapping mapping, Object[] values, String doc) {
}
