package io.ferry.reverse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ferry.core.FerryException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReversePositionTest {

    @Test
    void aSeedThenAnAppliedPositionRoundTripThroughEtcdsBytes() {
        Map<String, Object> offset = new LinkedHashMap<>(Map.of("file", "mysql-bin.000002", "pos", 1234L));
        ReversePosition seed = ReversePosition.seed("mariadb", new LinkedHashMap<>(Map.of("server", "ferry_reverse")), offset);
        ReversePosition back = ReversePosition.fromJson(seed.toJson());
        assertNull(back.order(), "a seed has applied nothing");
        assertEquals("mysql-bin.000002", back.offset().get("file"));
        assertEquals(1234, ((Number) back.offset().get("pos")).longValue());

        SqlChange c = new SqlChange(new byte[] {1}, new byte[] {2}, new long[] {2, 1300, 0}, Map.of("server", "ferry_reverse"),
                Map.of("file", "mysql-bin.000002", "pos", 1300L, "row", 1));
        ReversePosition applied = ReversePosition.fromJson(back.after(c, 3).toJson());
        assertArrayEquals(new long[] {2, 1300, 0}, applied.order());
        assertEquals(3, applied.applied());
        assertEquals("ferry_reverse", applied.partition().get("server"));
    }

    @Test
    void garbageInThePositionKeyIsAnErrorThatSaysWhatToDo() {
        FerryException e = assertThrows(FerryException.class,
                () -> ReversePosition.fromJson("not json".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("run the cutover again"), e.getMessage());
    }

    @Test
    void onlyAVersionKeyThatSaysMigratedMakesSqlAuthoritative() {
        assertTrue(Authority.sqlAuthoritative(Authority.switched(42, "abc")));
        assertFalse(Authority.sqlAuthoritative(Authority.rolledBack(42, 1)));
        assertFalse(Authority.sqlAuthoritative(null));
        assertFalse(Authority.sqlAuthoritative("etcd's own data".getBytes(StandardCharsets.UTF_8)));
    }
}
