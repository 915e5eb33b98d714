package io.ferry.cli.faults;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads every row's (key, mod_revision) of each target about once a second while the faults run.
 * One SELECT is one consistent snapshot of the table, so each sample shows a state the database
 * really had. The checker judges the samples only at the end, when the history is complete: a row
 * can reach SQL a moment before the workload thread has written down etcd's acknowledgement.
 */
final class SqlSampler implements AutoCloseable {

    private final List<Target> targets;
    private final KeyPool pool;
    private final List<List<Sample>> samples = new ArrayList<>();
    private final List<long[]> last = new ArrayList<>();
    private final List<String> unknownKeys = new CopyOnWriteArrayList<>();
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final Connection[] connections;
    private final long t0;
    private Thread thread;

    SqlSampler(List<Target> targets, KeyPool pool, long startNanos) {
        this.targets = targets;
        this.pool = pool;
        this.t0 = startNanos;
        this.connections = new Connection[targets.size()];
        for (int i = 0; i < targets.size(); i++) {
            samples.add(new ArrayList<>());
            last.add(new long[pool.size()]);
        }
    }

    void start() {
        thread = new Thread(this::loop, "faults-sampler");
        thread.setDaemon(true);
        thread.start();
    }

    private void loop() {
        // Ends with the flag; at most one pass a second.
        while (!stop.get()) {
            long began = System.nanoTime();
            for (int i = 0; i < targets.size() && !stop.get(); i++) {
                sampleOnce(i);
            }
            long waited = (System.nanoTime() - began) / 1_000_000;
            if (waited < 1000) {
                try {
                    Thread.sleep(1000 - waited);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Takes one sample of target {@code i}; a database that is restarting just misses the sample. */
    void sampleOnce(int i) {
        Target t = targets.get(i);
        long[] now = new long[pool.size()];
        try {
            if (connections[i] == null || !connections[i].isValid(2)) {
                closeQuietly(connections[i]);
                connections[i] = t.db().connect();
            }
            try (Statement s = connections[i].createStatement();
                 ResultSet rs = s.executeQuery("SELECT " + t.keyColumn() + ", mod_revision FROM etcd_kv")) {
                while (rs.next()) {
                    byte[] key = rs.getBytes(1);
                    int k = pool.indexOf(key);
                    if (k < 0) {
                        if (unknownKeys.size() < 20) {
                            unknownKeys.add(t.name() + ": " + KeyPool.show(key));
                        }
                        continue;
                    }
                    now[k] = rs.getLong(2);
                }
            }
        } catch (SQLException e) {
            failed.incrementAndGet();
            closeQuietly(connections[i]);
            connections[i] = null;
            return;
        }
        record(i, now);
    }

    private synchronized void record(int i, long[] now) {
        long[] before = last.get(i);
        int changed = 0;
        for (int k = 0; k < now.length; k++) {
            if (now[k] != before[k]) {
                changed++;
            }
        }
        int[] keys = new int[changed];
        long[] revs = new long[changed];
        int j = 0;
        for (int k = 0; k < now.length; k++) {
            if (now[k] != before[k]) {
                keys[j] = k;
                revs[j++] = now[k];
            }
        }
        samples.get(i).add(new Sample((System.nanoTime() - t0) / 1_000_000, keys, revs));
        last.set(i, Arrays.copyOf(now, now.length));
        taken.incrementAndGet();
    }

    synchronized List<Sample> samples(int target) {
        return List.copyOf(samples.get(target));
    }

    List<String> unknownKeys() {
        return List.copyOf(unknownKeys);
    }

    long taken() {
        return taken.get();
    }

    long failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        if (thread != null) {
            thread.join(30_000);
        }
        for (Connection c : connections) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                // a connection to a restarted server is already gone
            }
        }
    }
}
