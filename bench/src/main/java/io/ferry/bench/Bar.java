package io.ferry.bench;

import java.awt.Color;

/** One bar of a chart: its label, value and colour. */
record Bar(String label, double value, Color color) {

    static final Color FERRY = new Color(0x1f77b4);
    static final Color REFERENCE = new Color(0xaaaaaa);
    static final Color MET = new Color(0x2ca02c);
    static final Color MISSED = new Color(0xd62728);
    static final Color NO_TARGET = new Color(0x7f7f7f);
}
