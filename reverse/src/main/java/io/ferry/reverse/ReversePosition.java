package io.ferry.reverse;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.core.FerryException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the position key in etcd holds: how far the reverse writer has copied SQL's changes. It is
 * written in the same etcd transaction as the changes, so it is exact: the Debezium offset to
 * resume from and the log order of the last change applied. The cutover seeds it at the switch
 * (with the binlog position on MySQL and MariaDB, where there is no slot to keep the place).
 *
 * @param source which connector wrote it: postgres, mysql or mariadb
 * @param partition Debezium's source partition
 * @param offset Debezium's source offset to resume after
 * @param order the log order of the last change applied, or null when only seeded
 * @param appliedAt when the last change was applied (ms since the epoch), for ferry status
 * @param applied how many changes the reverse writer has applied since the switch
 * @param cutover the id of the cutover that opened the capture, or 0 when written by an older Ferry
 */
record ReversePosition(String source, Map<String, Object> partition, Map<String, Object> offset, long[] order,
                       long appliedAt, long applied, long cutover) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The position where capture starts, before any change. */
    static ReversePosition seed(String source, Map<String, Object> partition, Map<String, Object> offset) {
        return seed(source, partition, offset, 0);
    }

    /** The position where the capture of cutover {@code cutoverId} starts, before any change. */
    static ReversePosition seed(String source, Map<String, Object> partition, Map<String, Object> offset, long cutoverId) {
        return new ReversePosition(source, partition, offset, null, System.currentTimeMillis(), 0, cutoverId);
    }

    ReversePosition after(SqlChange last, int count) {
        return new ReversePosition(source, new LinkedHashMap<>(last.partition()), new LinkedHashMap<>(last.offset()),
                last.order(), System.currentTimeMillis(), applied + count, cutover);
    }

    /**
     * Whether this is cutover {@code cutoverId}'s capture, opened and not yet read from: the writer
     * still has to prove it can read it by carrying the cutover's probe into etcd.
     */
    boolean awaitsProbe(long cutoverId) {
        return cutover == cutoverId && order == null;
    }

    byte[] toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("partition", partition);
        m.put("offset", offset);
        m.put("order", order);
        m.put("applied_at", appliedAt);
        m.put("applied", applied);
        m.put("cutover", cutover);
        try {
            return JSON.writeValueAsBytes(m);
        } catch (IOException e) {
            throw new IllegalStateException("a position of maps and numbers always serializes", e);
        }
    }

    static ReversePosition fromJson(byte[] json) {
        try {
            Map<String, Object> m = JSON.readValue(json, new TypeReference<Map<String, Object>>() { });
            Object o = m.get("order");
            long[] order = o == null ? null : JSON.convertValue(o, long[].class);
            return new ReversePosition((String) m.get("source"), map(m.get("partition")), map(m.get("offset")), order,
                    ((Number) m.getOrDefault("applied_at", 0L)).longValue(), ((Number) m.getOrDefault("applied", 0L)).longValue(),
                    ((Number) m.getOrDefault("cutover", 0L)).longValue());
        } catch (IOException | RuntimeException e) {
            throw new FerryException("the rollback path's position in etcd is not valid JSON (" + e.getMessage() + "): "
                    + new String(json, StandardCharsets.UTF_8) + ". It is written only by Ferry; restore it from a backup "
                    + "or run the cutover again", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o == null ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<String, Object>) o);
    }
}
