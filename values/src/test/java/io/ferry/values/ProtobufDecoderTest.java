package io.ferry.values;

import static io.ferry.values.DiegoTest.assertFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.DescriptorProtos.DescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorProto;
import com.google.protobuf.DescriptorProtos.FileDescriptorSet;
import io.ferry.core.config.ConfigProblem;
import io.ferry.values.testproto.DesiredLRP;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Protobuf by a descriptor set that protoc wrote at build time, and what goes wrong with sets and bytes. */
class ProtobufDecoderTest {

    @TempDir
    Path dir;

    private final ValueDecoder lrp = Chains.of("[" + Chains.protobuf("") + "]");

    @Test
    void printsProtobufsJsonMappingWithProtoNamesAndDefaults() {
        DecodeResult r = lrp.decode(DiegoTest.lrp().toByteArray());
        assertTrue(r.ok(), r::toString);
        assertEquals("pg-1", r.document().at("/process_guid").asText());
        assertEquals("2024-05-01T10:00:00.500Z", r.document().at("/created_at").asText(), "Timestamp from the set's own import");

        JsonNode empty = lrp.decode(DesiredLRP.newBuilder().setProcessGuid("pg-0").build().toByteArray()).document();
        assertEquals(0, empty.at("/instances").asInt(-1), "zero is printed, so a column reads 0, not NULL");
        assertTrue(empty.at("/tags").isArray() && empty.at("/tags").isEmpty());
        assertTrue(empty.at("/modification_tag").isMissingNode(), "an unset message field has no default to print");
    }

    @Test
    void jsonNamesAndNoDefaultsOnRequest() {
        ValueDecoder camel = Chains.of("[" + Chains.protobuf(", names: json, defaults: false") + "]");
        JsonNode d = camel.decode(DesiredLRP.newBuilder().setProcessGuid("pg-3").build().toByteArray()).document();
        assertEquals("pg-3", d.at("/processGuid").asText());
        assertTrue(d.at("/instances").isMissingNode(), d::toString);
    }

    @Test
    void bytesOfAnotherKindAreNamed() {
        assertFailure(DecodeFailure.UNDECODABLE, "not a ferry.test.diego.DesiredLRP",
                lrp.decode(java.util.Arrays.copyOf(DiegoTest.lrp().toByteArray(), 30)));
        // Text parses as protobuf fields the message does not have, or not at all: never as a DesiredLRP.
        DecodeResult json = lrp.decode("{\"process_guid\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertTrue(!json.ok(), json::toString);
        assertFailure(DecodeFailure.UNDECODABLE, "has no JSON form (Timestamp is not valid", lrp.decode(DesiredLRP.newBuilder()
                .setCreatedAt(com.google.protobuf.Timestamp.newBuilder().setSeconds(1).setNanos(-5)).build().toByteArray()));
        assertFailure(DecodeFailure.WRONG_TYPE, "none of ferry.test.diego.DesiredLRP's fields",
                lrp.decode(new byte[] {(byte) 0xa0, 0x06, 0x01}));
    }

    @Test
    void aSetWithoutTheWellKnownTypesStillLoads() throws Exception {
        FileDescriptorSet full = FileDescriptorSet.parseFrom(Files.readAllBytes(Chains.DESCRIPTORS));
        FileDescriptorSet withoutImports = FileDescriptorSet.newBuilder()
                .addAllFile(full.getFileList().stream().filter(f -> !f.getName().startsWith("google/")).toList()).build();
        Path file = Files.write(dir.resolve("no-imports.desc"), withoutImports.toByteArray());
        ValueDecoder d = Chains.of("[{protobuf: {descriptors: " + file + ", message: " + Chains.DESIRED_LRP + "}}]");
        assertEquals("pg-1", d.decode(DiegoTest.lrp().toByteArray()).document().at("/process_guid").asText());
    }

    @Test
    void problemsWithTheSetAreReportedWithTheirSetting() throws Exception {
        Path missing = dir.resolve("missing.desc");
        assertProblem("decode[0].protobuf.descriptors", "no such file", "[{protobuf: {descriptors: " + missing
                + ", message: a.B}}]");
        Path text = Files.writeString(dir.resolve("text.desc"), "syntax = \"proto3\";");
        assertProblem("decode[0].protobuf.descriptors", "is not a FileDescriptorSet", "[{protobuf: {descriptors: " + text
                + ", message: a.B}}]");
        FileDescriptorSet lonely = FileDescriptorSet.newBuilder().addFile(FileDescriptorProto.newBuilder()
                .setName("lonely.proto").setPackage("lonely").addDependency("company/common.proto")
                .addMessageType(DescriptorProto.newBuilder().setName("M"))).build();
        Path lonelyFile = Files.write(dir.resolve("lonely.desc"), lonely.toByteArray());
        assertProblem("decode[0].protobuf.descriptors", "lacks company/common.proto, which lonely.proto imports: write the "
                + "set with protoc --include_imports", "[{protobuf: {descriptors: " + lonelyFile + ", message: lonely.M}}]");
        assertProblem("decode[0].protobuf.message", "it has ferry.test.diego.DesiredLRP, ferry.test.diego.DesiredLRP.RoutesEntry",
                "[{protobuf: {descriptors: " + Chains.DESCRIPTORS + ", message: DesiredLRP}}]");
        assertProblem("decode[0].protobuf.message", "is required", "[{protobuf: {descriptors: " + Chains.DESCRIPTORS + "}}]");
        assertProblem("decode[0].protobuf.names", "must be proto", "[" + Chains.protobuf(", names: camel") + "]");
    }

    private static void assertProblem(String key, String inReason, String yaml) {
        List<ConfigProblem> problems = Chains.problems(yaml, Map.of());
        assertTrue(problems.stream().anyMatch(p -> p.key().equals(key) && p.reason().contains(inReason)),
                () -> "no problem at " + key + " with '" + inReason + "' in " + problems);
    }
}
