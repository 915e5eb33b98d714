package io.ferry.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one write costs each process in CPU, in core-microseconds: the CPU seconds {@link CpuUse} measured over a
 * step divided by the writes etcd acknowledged in it. "others" is the machine's CPU that no named entry used (the
 * bench's processes and the database servers, {@code postgres_server} and {@code mariadb_server}): the operating
 * system and whatever else runs on the machine. "machine" is the whole machine's.
 */
final class CpuPerWrite {

    private CpuPerWrite() {
    }

    static Map<String, Double> of(Map<String, Double> cpuSeconds, long writes) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (writes <= 0) {
            return out;
        }
        double named = 0;
        for (Map.Entry<String, Double> e : cpuSeconds.entrySet()) {
            if (!e.getKey().equals("machine")) {
                out.put(e.getKey(), e.getValue() * 1e6 / writes);
                named += e.getValue();
            }
        }
        Double machine = cpuSeconds.get("machine");
        if (machine != null) {
            out.put("others", Math.max(0, machine - named) * 1e6 / writes);
            out.put("machine", machine * 1e6 / writes);
        }
        return out;
    }
}
