package io.ferry.testkit;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.options.CompactOption;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What {@link EtcdServer} and {@link EtcdCluster} do alike with an etcd they run: its environment, clients, health, compaction. */
final class EtcdProcesses {

    private EtcdProcesses() {
    }

    /** The child's environment changes: ETCD_* variables on the developer's machine would conflict with the flags, which alone must decide. */
    static Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        System.getenv().keySet().stream().filter(k -> k.startsWith("ETCD_")).forEach(k -> env.put(k, null));
        return env;
    }

    /** A jetcd client over comma-separated {@code endpoints}. */
    static Client client(String endpoints) {
        return builder(endpoints).build();
    }

    /** A jetcd client builder over comma-separated {@code endpoints}, for a caller that adds TLS or credentials. */
    static ClientBuilder builder(String endpoints) {
        // Ferry's own clients take responses of any size (pages of up to 4 MiB plus framing).
        return Client.builder().endpoints(endpoints.split(",")).maxInboundMessageSize(Integer.MAX_VALUE);
    }

    /**
     * Whether {@code GET <endpoint>/health} says {@code true}. In etcd 3.4 that needs a raft leader and a
     * quorum read through raft, so a member cut off from its peers is not healthy even though it answers.
     */
    static boolean healthy(HttpClient http, String endpoint) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint + "/health")).timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && response.body().contains("true");
    }

    /** Physical compaction up to {@code revision}; returns the revision etcd reported when it finished. */
    static long compact(Client client, long revision, String where) {
        try {
            return client.getKVClient().compact(revision, CompactOption.builder().withCompactPhysical(true).build())
                    .get(30, TimeUnit.SECONDS).getHeader().getRevision();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while compacting etcd at " + where + " to revision " + revision, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not compact etcd at " + where + " to revision " + revision, e);
        }
    }
}
