package io.ferry.cli.demo;

import java.nio.file.Path;

/**
 * The demo's mapped tables, as an operator writes them in ferry.yaml: desired LRPs read through Diego's framing (with
 * the demo's key ring) and the demo's protobuf message, actual LRPs, tasks and domains as JSON, each into typed columns.
 */
public final class DemoMappings {

    private DemoMappings() {
    }

    /** The {@code sink.mappings} block, with the key file and descriptor set the demo wrote. */
    public static String yaml(Path keyFile, Path descriptorSet) {
        return """
                sink.mappings:
                  - prefix: %1$sdesired_lrp/schedule/
                    table: desired_lrps
                    decode:
                      - diego:
                          keys:
                            %2$s: {file: '%3$s'}
                      - protobuf:
                          descriptors: '%4$s'
                          message: ferry.demo.DesiredLrpSchedule
                    columns:
                      process_guid: {from: /process_guid}
                      domain: {from: /domain}
                      instances: {from: /instances, type: bigint}
                      memory_mb: {from: /memory_mb, type: bigint}
                      routes: {from: /routes, type: json}
                  - prefix: %1$sactual/
                    table: actual_lrps
                    columns:
                      process_guid: {from: 'key:3'}
                      instance_index: {from: 'key:4', type: bigint}
                      cell_id: {from: /cell_id}
                      state: {from: /state}
                      since_ms: {from: /since, type: bigint}
                  - prefix: %1$stask/
                    table: tasks
                    columns:
                      task_guid: {from: /task_guid}
                      domain: {from: /domain}
                      state: {from: /state}
                  - prefix: %1$sdomain/
                    table: domains
                    columns:
                      name: {from: 'key:3'}
                      lease: {from: lease, type: bigint}
                """.formatted(DiegoWorkload.ROOT, DiegoWorkload.KEY_LABEL, keyFile.toAbsolutePath(),
                descriptorSet.toAbsolutePath());
    }
}
