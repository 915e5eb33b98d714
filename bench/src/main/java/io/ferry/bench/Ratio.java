package io.ferry.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One published figure: Ferry's measurement divided by a reference measured in the same run.
 *
 * @param scenario which scenario it belongs to
 * @param label what is divided by what, in words
 * @param value the ratio
 * @param target the target in words, or empty when the issue sets none
 * @param met whether the target is met; null when there is no target
 */
record Ratio(String scenario, String label, double value, String target, Boolean met) {

    Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", label);
        m.put("ratio", value);
        m.put("target", target);
        m.put("met", met);
        return m;
    }
}
