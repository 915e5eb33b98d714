package io.ferry.reverse;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.storage.MemoryOffsetBackingStore;

/**
 * Debezium's offset store for the reverse writer. The real offsets live in etcd, in the position
 * key that each reverse transaction writes together with its changes, so they can never be ahead
 * of or behind what etcd holds. This store only hands the engine that offset when it starts; the
 * engine's periodic offset flushes need not be kept anywhere else, since the position key already
 * has a later or equal one (the flush does still let PostgreSQL release WAL behind the slot).
 *
 * <p>The engine creates the store by class name, so the writer leaves the position for it here,
 * under an id it passes in the engine's properties.
 */
public final class EtcdOffsetStore extends MemoryOffsetBackingStore {

    static final String ID_PROPERTY = "ferry.reverse.position.id";
    private static final Map<String, ReversePosition> HANDOFF = new ConcurrentHashMap<>();

    private String engineName;
    private ReversePosition position;

    static void handOff(String id, ReversePosition position) {
        HANDOFF.put(id, position);
    }

    static void forget(String id) {
        HANDOFF.remove(id);
    }

    @Override
    public void configure(WorkerConfig config) {
        super.configure(config);
        Map<String, String> props = config.originalsStrings();
        engineName = props.get("name");
        position = HANDOFF.get(props.get(ID_PROPERTY));
    }

    @Override
    public synchronized void start() {
        super.start();
        if (position != null && !position.offset().isEmpty()) {
            // The same bytes the engine's own offset writer produces: JSON without schemas, keyed by [name, partition].
            try (JsonConverter keys = converter(true); JsonConverter values = converter(false)) {
                byte[] key = keys.fromConnectData(engineName, null, Arrays.asList(engineName, position.partition()));
                byte[] value = values.fromConnectData(engineName, null, position.offset());
                data.put(ByteBuffer.wrap(key), ByteBuffer.wrap(value));
            }
        }
    }

    @Override
    public Set<Map<String, Object>> connectorPartitions(String connectorName) {
        return position == null ? Set.of() : Set.of(position.partition());
    }

    private static JsonConverter converter(boolean isKey) {
        JsonConverter c = new JsonConverter();
        c.configure(Map.of("schemas.enable", "false"), isKey);
        return c;
    }
}
