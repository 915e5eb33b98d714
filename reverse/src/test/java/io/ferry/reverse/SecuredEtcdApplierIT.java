package io.ferry.reverse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.EtcdGrant;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.clients.EtcdRoles;
import io.ferry.core.config.CutoverConfig;
import io.ferry.core.config.FerryConfig;
import io.ferry.testkit.SecuredEtcd;
import io.ferry.testkit.TestCertificates;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The reverse writer's etcd side on an etcd that requires TLS, a client certificate and RBAC, as the
 * user of {@link EtcdRoles#reverse} and nothing more: it reads its position and the version key,
 * writes SQL's changes and its position in one transaction, is fenced by the version key, and is
 * refused a key outside the prefix.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SecuredEtcdApplierIT {

    @RegisterExtension
    static final SecuredEtcd ETCD = new SecuredEtcd();

    private static final TestCertificates CERTS = TestCertificates.get();
    private static final byte[] SQL_AUTHORITATIVE = Authority.switched(10, "d");

    @Test
    void withExactlyItsPermissionsTheReverseWriterAppliesIsFencedAndIsRefusedOutsideThePrefix() throws Exception {
        FerryConfig config = FerryConfig.fromMap(Map.of("etcd.endpoints", ETCD.endpoint(), "etcd.prefix", "/rev/",
                "etcd.tls.ca.file", CERTS.caCert().toString(),
                "etcd.tls.cert.file", CERTS.client("ferry-reverse").cert().toString(),
                "etcd.tls.key.file", CERTS.client("ferry-reverse").key().toString()));
        grantExactly("ferry-reverse", EtcdRoles.reverse(config));
        CutoverConfig cutover = CutoverConfig.of(config);
        byte[] version = utf8(cutover.versionKey());
        byte[] position = utf8(cutover.reversePositionKey());
        KV root = ETCD.rootClient().getKVClient();
        root.put(ByteSequence.from(utf8("/rev/gone")), ByteSequence.from(utf8("deleted by SQL"))).get(10, TimeUnit.SECONDS);
        root.put(ByteSequence.from(version), ByteSequence.from(SQL_AUTHORITATIVE)).get(10, TimeUnit.SECONDS);
        root.put(ByteSequence.from(position), ByteSequence.from(ReversePosition.seed("postgres", Map.of("server", "s"),
                Map.of()).toJson())).get(10, TimeUnit.SECONDS);

        try (Client reverse = EtcdClients.build(config.etcd())) {
            EtcdClients.probe(reverse, config.etcd(), version);
            KV kv = reverse.getKVClient();
            KeyValue p = kv.get(ByteSequence.from(position)).get(10, TimeUnit.SECONDS).getKvs().get(0);
            EtcdApplier applier = new EtcdApplier(kv, version, SQL_AUTHORITATIVE, position,
                    ReversePosition.fromJson(p.getValue().getBytes()), p.getModRevision());

            assertEquals(EtcdApplier.Outcome.APPLIED, applier.apply(List.of(change("/rev/a", "1", 1),
                    change("/rev/gone", null, 2)), n -> { }));
            assertEquals("1", value(root, "/rev/a"));
            assertNull(value(root, "/rev/gone"));
            assertEquals(2, ReverseProgress.read(kv, position).orElseThrow().applied());

            Exception outside = assertThrows(Exception.class,
                    () -> applier.apply(List.of(change("/rev/b", "2", 3), change("/elsewhere/x", "3", 4)), n -> { }));
            assertTrue(EtcdPermissionDenied.isDenied(outside), String.valueOf(outside));
            assertNull(value(root, "/rev/b"), "a refused transaction applies none of its changes");

            root.put(ByteSequence.from(version), ByteSequence.from(Authority.rolledBack(10, 1))).get(10, TimeUnit.SECONDS);
            assertEquals(EtcdApplier.Outcome.FENCED, applier.apply(List.of(change("/rev/a", "4", 5)), n -> { }));
            assertTrue(applier.whyFenced().contains("etcd is authoritative again"), applier.whyFenced());
            assertEquals("1", value(root, "/rev/a"));
        }
    }

    private static void grantExactly(String role, List<EtcdGrant> grants) {
        ETCD.addRole(role);
        for (EtcdGrant g : grants) {
            ETCD.grant(role, g.type(), g.key(), g.rangeEnd(), g.prefix());
        }
        ETCD.addUser(role, null, role);
    }

    private static SqlChange change(String key, String value, long order) {
        return new SqlChange(utf8(key), value == null ? null : utf8(value), new long[] {order, 0}, Map.of("server", "s"),
                Map.of("lsn", order));
    }

    private static String value(KV kv, String key) throws Exception {
        List<KeyValue> kvs = kv.get(ByteSequence.from(utf8(key))).get(10, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0).getValue().toString(StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
