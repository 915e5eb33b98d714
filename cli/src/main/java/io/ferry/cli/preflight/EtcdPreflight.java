package io.ferry.cli.preflight;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Response;
import io.etcd.jetcd.auth.Permission;
import io.etcd.jetcd.options.GetOption;
import io.ferry.clients.EtcdClients;
import io.ferry.clients.EtcdGrant;
import io.ferry.clients.EtcdPermissionDenied;
import io.ferry.core.FerryException;
import io.ferry.core.config.FerryConfig;
import io.ferry.core.event.Checkpoint;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * etcd's part of the preflight: it answers, as whom, with what TLS; the part may read what it
 * needs to read; how much history etcd keeps against where the watcher would resume.
 */
final class EtcdPreflight {

    private final FerryConfig config;
    private final Part part;

    EtcdPreflight(FerryConfig config, Part part) {
        this.config = config;
        this.part = part;
    }

    /** @param checkpoint the watcher's latest checkpoint, when Kafka was asked and has one */
    List<Finding> run(Optional<Checkpoint> checkpoint) {
        List<Finding> out = new ArrayList<>();
        String subject = "etcd " + String.join(",", config.etcd().endpoints().stream().map(Object::toString).toList());
        String user = EtcdClients.user(config.etcd()).map(u -> "user " + u).orElse("no user");
        try (Client client = EtcdClients.build(config.etcd())) {
            Response.Header header;
            try {
                header = EtcdClients.probe(client, config.etcd());
            } catch (FerryException e) { // unreachable, TLS, authentication, or no read on the first prefix
                out.add(Finding.fail(subject, e.getMessage()));
                return out;
            }
            out.add(Finding.ok(subject, "answers as " + user + " (" + EtcdClients.checkTls(config.etcd()) + "): cluster "
                    + EtcdClients.clusterId(header) + ", revision " + header.getRevision()));
            List<EtcdGrant> writes = new ArrayList<>();
            // Keys two roles read (or readwrite) are read once; a refusal names the grant as the part needs it.
            java.util.Map<EtcdGrant, EtcdGrant> reads = new java.util.LinkedHashMap<>();
            for (EtcdGrant grant : part.etcdGrants(config)) {
                if (grant.type() == Permission.Type.WRITE) {
                    writes.add(grant);
                } else {
                    reads.putIfAbsent(new EtcdGrant(Permission.Type.READ, grant.key(), grant.rangeEnd(), grant.prefix()), grant);
                }
            }
            reads.values().forEach(grant -> out.add(read(client, grant)));
            if (!writes.isEmpty()) {
                out.add(new Finding(Finding.Mark.NOTE, "etcd write", "not checked, since etcd cannot be asked without writing: "
                        + String.join(", ", writes.stream().map(EtcdGrant::describe).toList())));
            }
            out.add(history(client, header.getRevision(), checkpoint));
        } catch (FerryException e) {
            out.add(Finding.fail(subject, e.getMessage())); // the TLS files
        }
        return out;
    }

    /** A count-only read over what {@code grant} covers: etcd checks the permission and sends no value. */
    private Finding read(Client client, EtcdGrant grant) {
        String subject = "etcd read " + grant.key();
        GetOption.Builder option = GetOption.builder().withCountOnly(true);
        if (grant.prefix()) {
            option.isPrefix(true);
        } else if (grant.rangeEnd() != null) {
            option.withRange(bytes(grant.rangeEnd()));
        }
        try {
            long count = client.getKVClient().get(bytes(grant.key()), option.build())
                    .get(config.etcd().connectTimeout().toMillis(), TimeUnit.MILLISECONDS).getCount();
            return Finding.ok(subject, grant.prefix() || grant.rangeEnd() != null ? count + (count == 1 ? " key" : " keys") : "allowed");
        } catch (ExecutionException e) {
            if (EtcdPermissionDenied.isDenied(e.getCause())) {
                return Finding.fail(subject, EtcdPermissionDenied.of(config.etcd(), "reading " + grant.key(), List.of(grant),
                        e.getCause()).getMessage());
            }
            return Finding.fail(subject, String.valueOf(e.getCause()));
        } catch (TimeoutException e) {
            return Finding.fail(subject, "no answer within etcd.connect.timeout.ms (" + config.etcd().connectTimeout().toMillis()
                    + " ms)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.fail(subject, "interrupted");
        }
    }

    /**
     * The compaction headroom: a watcher resumes from its checkpoint's revision, which etcd must still
     * hold; once compacted past it, the watcher starts over with a snapshot.
     */
    private Finding history(Client client, long revision, Optional<Checkpoint> checkpoint) {
        long compacted;
        try {
            compacted = EtcdClients.compactedRevision(client, config.etcd().prefixes().get(0));
        } catch (ExecutionException e) {
            return Finding.warn("etcd history", "cannot tell how far etcd has compacted: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.warn("etcd history", "interrupted");
        }
        String kept = compacted == 0 ? "etcd keeps its whole history (never compacted)"
                : "etcd keeps revisions after " + compacted + " (" + (revision - compacted) + " revisions)";
        if (checkpoint.isEmpty() || !part.kafka) {
            return Finding.ok("etcd history", kept + (part.kafka ? "; no watcher checkpoint yet: the watcher starts with a snapshot"
                    : ""));
        }
        long resume = checkpoint.get().revision();
        if (resume < compacted) {
            return Finding.warn("etcd history", kept + "; the watcher's checkpoint at revision " + resume + " is compacted away: "
                    + "the watcher will take a new snapshot when it starts (docs/watcher.md). Compact less often, or keep "
                    + "the watcher running");
        }
        return Finding.ok("etcd history", kept + "; the watcher resumes at revision " + resume + ", "
                + (resume - compacted) + " revisions of headroom");
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
