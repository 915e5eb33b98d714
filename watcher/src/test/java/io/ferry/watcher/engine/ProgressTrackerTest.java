package io.ferry.watcher.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ProgressTrackerTest {

    @Test
    void eventsAdvanceAtOnce() {
        ProgressTracker t = new ProgressTracker(10);
        t.onEvents(12);
        t.onEvents(15);
        assertEquals(15, t.delivered());
    }

    @Test
    void aProgressRevisionCountsOnlyOnceTheNextNotificationConfirmsIt() {
        ProgressTracker t = new ProgressTracker(10);
        t.onProgress(20);
        assertEquals(10, t.delivered(), "a fresh progress notification may have overtaken events");
        t.onProgress(21);
        assertEquals(20, t.delivered());
        t.onProgress(21);
        assertEquals(21, t.delivered());
    }

    @Test
    void anEventAtOrBelowTheCandidateShowsTheNotificationOvertookIt() {
        ProgressTracker t = new ProgressTracker(10);
        t.onProgress(20);
        t.onEvents(18);
        assertEquals(18, t.delivered());
        t.onProgress(25);
        t.onEvents(26);
        assertEquals(26, t.delivered(), "an event above the candidate proves everything below it arrived");
        assertEquals(0, t.violations());
    }

    @Test
    void aNewSessionForgetsTheCandidateAndLateEventsAreCounted() {
        ProgressTracker t = new ProgressTracker(10);
        t.onProgress(20);
        t.forgetCandidate();
        t.onProgress(22);
        assertEquals(10, t.delivered());
        t.onEvents(9);
        assertEquals(1, t.violations());
        assertEquals(10, t.delivered());
    }
}
