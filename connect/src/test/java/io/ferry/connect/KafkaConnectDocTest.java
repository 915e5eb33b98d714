package io.ferry.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ferry.core.event.ChangeEvent;
import io.ferry.core.event.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** Keeps the Kafka Connect section of docs/event-format.md true. */
class KafkaConnectDocTest {

    @Test
    void theExampleEventIsWhatTheDocumentedConfigurationMakesOfThePagesFirstExample() {
        Matcher first = Pattern.compile("```json\\n(.*?)\\n```", Pattern.DOTALL).matcher(ConnectDocs.text());
        first.find();
        ChangeEvent create = new EventCodec().decodeChange(first.group(1).getBytes(StandardCharsets.UTF_8));

        ToDebezium<SinkRecord> t = new ToDebezium<>();
        t.configure(ConnectDocs.transformSettings());
        SinkRecord out = t.apply(FerryRecords.change(create, 0));
        JsonConverter json = new JsonConverter();
        json.configure(Map.of("schemas.enable", "false"), false);
        String actual = new String(json.fromConnectData(out.topic(), out.valueSchema(), out.value()), StandardCharsets.UTF_8);

        String documented = ConnectDocs.block("connect-example")
                .replaceFirst("\"version\":\"[^\"]*\"", "\"version\":\"" + ToDebezium.VERSION + "\"");
        assertEquals(documented, actual);
    }

    @Test
    void theSettingsTableListsEveryKeyWithItsDefault() {
        Map<String, String> documented = new TreeMap<>();
        Matcher row = Pattern.compile("\\n\\| `([a-z.]+)` \\| (`([^`]*)`|\\(empty\\)) \\|").matcher(ConnectDocs.text());
        while (row.find()) {
            if (ToDebeziumConfig.DEF.names().contains(row.group(1)) || row.group(1).endsWith(".name")
                    || row.group(1).endsWith(".field")) {
                documented.put(row.group(1), row.group(3) == null ? "" : row.group(3));
            }
        }
        Map<String, String> declared = new TreeMap<>();
        for (ConfigDef.ConfigKey key : ToDebeziumConfig.DEF.configKeys().values()) {
            declared.put(key.name, String.valueOf(key.defaultValue));
        }
        assertEquals(declared, documented);
    }

    @Test
    void theConnectorReadsRawBytesAndNamesTheTransform() {
        Map<String, String> c = ConnectDocs.connector();
        // connect-runtime's class, which this module does not depend on
        String byteArray = "org.apache.kafka.connect.converters.ByteArrayConverter";
        assertEquals(byteArray, c.get("key.converter"));
        assertEquals(byteArray, c.get("value.converter"));
        assertEquals(ToDebezium.class.getName(), c.get("transforms." + c.get("transforms") + ".type"));
        assertEquals("read_committed", ConnectDocs.worker().get("consumer.isolation.level"));
    }
}
