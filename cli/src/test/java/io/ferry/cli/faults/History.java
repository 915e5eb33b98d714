package io.ferry.cli.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every acknowledged write, per key, in revision order. Each key has one writer (its worker), and
 * the checker reads only after the workers have stopped, so the per-key lists need no locks.
 */
final class History {

    private final List<List<Write>> perKey = new ArrayList<>();
    private final AtomicLong writes = new AtomicLong();

    History(int keys) {
        for (int i = 0; i < keys; i++) {
            perKey.add(new ArrayList<>());
        }
    }

    void record(int key, Write w) {
        List<Write> list = perKey.get(key);
        if (!list.isEmpty() && list.get(list.size() - 1).revision() >= w.revision()) {
            throw new IllegalStateException("etcd acknowledged revision " + w.revision() + " for key #" + key
                    + " after revision " + list.get(list.size() - 1).revision() + ": the harness assumes one writer per key");
        }
        list.add(w);
        writes.incrementAndGet();
    }

    long writes() {
        return writes.get();
    }

    List<Write> of(int key) {
        return perKey.get(key);
    }

    /** The key's last write, or null when it was never written. */
    Write last(int key) {
        List<Write> list = perKey.get(key);
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }

    /** The write at exactly {@code revision}, or null. */
    Write at(int key, long revision) {
        List<Write> list = perKey.get(key);
        int lo = 0;
        int hi = list.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long r = list.get(mid).revision();
            if (r == revision) {
                return list.get(mid);
            } else if (r < revision) {
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return null;
    }

    /** The revision of the first delete of {@code key} above {@code revision}, or -1. */
    long firstDeleteAfter(int key, long revision) {
        for (Write w : perKey.get(key)) {
            if (w.revision() > revision && w.deleted()) {
                return w.revision();
            }
        }
        return -1;
    }
}
