package io.ferry.reverse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;

/**
 * Which side is authoritative, as etcd records it in the cutover's version key. SQL records the
 * same in {@code ferry_cutover}; the two are changed by the cutover and by {@code ferry rollback}
 * only, SQL first on the way to SQL, etcd first on the way back, so that a reader who trusts either
 * never acts on a side that is no longer authoritative.
 */
public final class Authority {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Authority() {
    }

    /** The version key's value at the switch: etcd's data is migrated, SQL is authoritative from F on. */
    public static byte[] switched(long freezeRevision, String digest) {
        return ("{\"migrated\":true,\"authoritative\":\"sql\",\"freeze_revision\":" + freezeRevision + ",\"digest\":\""
                + digest + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** The version key's value after a rollback: etcd is authoritative again. */
    public static byte[] rolledBack(long freezeRevision, long rolledBackAtMs) {
        return ("{\"migrated\":false,\"authoritative\":\"etcd\",\"rolled_back_from_freeze_revision\":" + freezeRevision
                + ",\"rolled_back_at\":" + rolledBackAtMs + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Whether a version key's value says SQL is authoritative. */
    public static boolean sqlAuthoritative(byte[] versionValue) {
        if (versionValue == null) {
            return false;
        }
        try {
            JsonNode n = JSON.readTree(versionValue);
            return n != null && n.path("migrated").asBoolean(false);
        } catch (java.io.IOException e) {
            return false; // not written by Ferry: etcd's own data, so etcd is authoritative
        }
    }
}
