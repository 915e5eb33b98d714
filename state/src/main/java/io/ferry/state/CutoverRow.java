package io.ferry.state;

/**
 * The latest cutover of one deployment, as {@code ferry_cutover} holds it.
 *
 * @param id the cutover's id
 * @param phase where it ended or stands
 * @param r0 the fully verified revision before the freeze
 * @param freezeRevision F, or 0 before the freeze
 * @param downtimeMs freeze to switch, or -1
 * @param reason why it aborted, or null
 * @param lateWrites etcd changes after the switch that the sink recorded instead of applying
 * @param rollbackRevision RB of a completed rollback, or 0
 * @param rollbackDowntimeMs a completed rollback's downtime, or 0
 * @param digest the switch's digest, also in etcd's version key, or null before the switch
 */
public record CutoverRow(long id, CutoverPhase phase, long r0, long freezeRevision, long downtimeMs, String reason,
                         long lateWrites, long rollbackRevision, long rollbackDowntimeMs, String digest) {
}
