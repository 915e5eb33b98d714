package io.ferry.watcher.engine;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LeadershipTest {

    private static final long ME = ProcessHandle.current().pid();

    @Test
    void aLeaderWithThisVeryIdentityIsAnEarlierLifeOfThisProcess() {
        // A container restarted in place starts its process with the same pid as before.
        assertTrue(Leadership.isDeadPredecessor("1@pod-a", "1@pod-a"));
        assertTrue(Leadership.isDeadPredecessor(ME + "@h#2", ME + "@h#2"));
    }

    @Test
    void aLeaderOnThisHostWhoseProcessIsGoneIsADeadPredecessor() {
        long gone = ProcessHandle.allProcesses().mapToLong(ProcessHandle::pid).max().orElse(ME) + 100_000;
        assertTrue(Leadership.isDeadPredecessor(gone + "@h", ME + "@h"));
        assertTrue(Leadership.isDeadPredecessor(gone + "@h#3", ME + "@h"));
    }

    @Test
    void aLiveLeaderOrOneOnAnotherHostIsLeftAlone() {
        long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(1L);
        assertFalse(Leadership.isDeadPredecessor(parent + "@h", ME + "@h"), "a live process on this host");
        assertFalse(Leadership.isDeadPredecessor(ME + "@h", ME + "@h#2"), "another watcher in this JVM");
        assertFalse(Leadership.isDeadPredecessor("1@other", "1@h"), "another host");
        assertFalse(Leadership.isDeadPredecessor("not-an-identity", ME + "@h"));
    }
}
