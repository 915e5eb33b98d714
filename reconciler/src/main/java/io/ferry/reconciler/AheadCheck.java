package io.ferry.reconciler;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.kv.GetResponse;
import io.ferry.reconciler.etcd.EtcdPager;
import io.ferry.reconciler.sql.SqlTable;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Rows that SQL holds at a revision above R are changes still in flight when the comparison
 * began. Each is checked again against etcd's own history: SQL's row is in flight, not a
 * difference, when it equals etcd's state of that key at the row's own revision (the key simply
 * changed after R, and may have changed again since). A deleted row is in flight when etcd has
 * no such key at the revision of its tombstone. Anything else is a difference of kind
 * {@link DifferenceKind#AHEAD}: SQL holds a state etcd never had. Its SQL revision is the row's
 * {@code mod_revision}, or for a key SQL deleted, its tombstone's revision: the repair names it as the
 * revision it replaces.
 */
final class AheadCheck {

    private final KV kv;
    private final SqlTable sql;
    private final long revision;

    AheadCheck(KV kv, SqlTable sql, long revision) {
        this.kv = kv;
        this.sql = sql;
        this.revision = revision;
    }

    /** Returns how many candidates turned out to be merely in flight. */
    long resolve(List<Row> candidates, DifferenceLog log) throws SQLException {
        long inFlight = 0;
        for (Row candidate : candidates) {
            Optional<Row> sqlNow = sql.row(candidate.key());
            GetResponse now = get(candidate.key(), 0);
            Optional<Row> etcdNow = now.getKvs().stream().findFirst().map(EtcdPager::toRow);
            if (isEtcdState(candidate.key(), sqlNow, now.getHeader().getRevision())) {
                inFlight++;
            } else {
                long sqlRevision = sqlNow.isPresent() ? sqlNow.get().modRevision()
                        : sql.tombstoneRevision(candidate.key()).orElse(0L);
                log.add(new Difference(DifferenceKind.AHEAD, candidate.key(), etcdNow.map(Row::modRevision).orElse(0L),
                        sqlRevision), -1);
            }
        }
        return inFlight;
    }

    /** Whether SQL's state of the key is one etcd had, at SQL's revision; {@code current} bounds what etcd can answer. */
    private boolean isEtcdState(byte[] key, Optional<Row> sqlNow, long current) throws SQLException {
        long at;
        if (sqlNow.isPresent()) {
            at = sqlNow.get().modRevision();
        } else {
            OptionalLong deletedAt = sql.tombstoneRevision(key);
            at = deletedAt.isPresent() && deletedAt.getAsLong() > revision ? deletedAt.getAsLong() : current;
        }
        if (at > current) {
            return false; // a revision etcd has not reached: SQL holds something etcd never had
        }
        Optional<Row> etcdThen = get(key, at).getKvs().stream().findFirst().map(EtcdPager::toRow);
        return sqlNow.isPresent() ? etcdThen.map(e -> e.sameContent(sqlNow.get())).orElse(false) : etcdThen.isEmpty();
    }

    /** The key in etcd at revision {@code at}, or now when {@code at} is 0. */
    private GetResponse get(byte[] key, long at) {
        GetOption option = at > 0 ? GetOption.builder().withRevision(at).build() : GetOption.DEFAULT;
        return io.ferry.reconciler.etcd.EtcdReads.read("re-checking a key written after revision " + revision,
                () -> kv.get(ByteSequence.from(key), option));
    }
}
