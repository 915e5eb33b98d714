package io.ferry.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class TopicWritersTest {

    private static AclBinding acl(String principal, String name, PatternType pattern, AclOperation op, AclPermissionType type) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, name, pattern), new AccessControlEntry(principal, "*", op, type));
    }

    private static AclBinding allow(String principal, String name, PatternType pattern, AclOperation op) {
        return acl(principal, name, pattern, op, AclPermissionType.ALLOW);
    }

    @Test
    void onlyTheWatcherWritingIsFine() {
        List<AclBinding> acls = List.of(allow("User:ferry-watcher", "t", PatternType.LITERAL, AclOperation.WRITE),
                allow("User:ferry-sink", "t", PatternType.LITERAL, AclOperation.READ));
        assertEquals(List.of(), TopicWriters.judge("t", acls, List.of("User:ferry-watcher"), "b:9093"));
        assertEquals(List.of(), TopicWriters.judge("t", acls, List.of(), "b:9093"));
    }

    @Test
    void aWildcardPrincipalOrAnotherWriterIsWarnedAboutWithTheCommandThatRemovesIt() {
        List<AclBinding> acls = List.of(allow("User:ferry-watcher", "t", PatternType.LITERAL, AclOperation.WRITE),
                allow("User:*", "*", PatternType.LITERAL, AclOperation.WRITE),
                allow("User:intruder", "t", PatternType.PREFIXED, AclOperation.ALL));

        List<String> w = TopicWriters.judge("t", acls, List.of("User:ferry-watcher"), "b:9093");

        assertEquals(2, w.size(), w.toString());
        assertTrue(w.get(0).contains("every principal (User:*) may write topic t"), w.get(0));
        assertTrue(w.get(0).contains("--remove --allow-principal 'User:*' --allow-host '*' --operation Write --topic '*' "
                + "--resource-pattern-type literal"), w.get(0));
        assertTrue(w.get(1).contains("principal User:intruder may write topic t (ALL on prefixed topic 't'"), w.get(1));
    }

    @Test
    void withoutExpectedPrincipalsSeveralWritersAreWarnedAbout() {
        List<AclBinding> acls = List.of(allow("User:a", "t", PatternType.LITERAL, AclOperation.WRITE),
                allow("User:b", "t", PatternType.LITERAL, AclOperation.WRITE));
        List<String> w = TopicWriters.judge("t", acls, List.of(), "b:9093");
        assertEquals(1, w.size(), w.toString());
        assertTrue(w.get(0).contains("[User:a, User:b] may all write topic t"), w.get(0));
    }

    @Test
    void aDenyOverridesTheAllow() {
        List<AclBinding> acls = List.of(allow("User:x", "t", PatternType.LITERAL, AclOperation.WRITE),
                acl("User:x", "t", PatternType.LITERAL, AclOperation.WRITE, AclPermissionType.DENY));
        assertEquals(List.of(), TopicWriters.judge("t", acls, List.of("User:ferry-watcher"), "b:9093"));
    }
}
