package io.ferry.core.event;

/** What a value on a Ferry change topic decodes to: a change to one key, or a control record. */
public sealed interface Envelope permits ChangeEvent, ControlRecord {
}
