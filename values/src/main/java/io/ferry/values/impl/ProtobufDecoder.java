package io.ferry.values.impl;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import com.google.protobuf.util.JsonFormat;
import io.ferry.values.DecodeFailure;
import io.ferry.values.DecodeResult;

/**
 * Parses the bytes as one message of a type from a descriptor set ({@link DynamicMessage}) and writes it in
 * protobuf's JSON mapping, as {@link JsonFormat} prints it ({@link ProtoJson} builds the same tree without the
 * detour through text): field names as in the .proto file (or their lowerCamelCase JSON
 * names), fields at their default value included (so a zero is 0, not absent), enums by name, 64-bit integers
 * as strings, well-known types (Timestamp, Duration, Struct, Any) in their JSON forms.
 *
 * <p>Protobuf has no magic number and most byte strings parse as something, so one check is added: bytes that
 * set none of the message's fields and only unknown ones are {@link DecodeFailure#WRONG_TYPE}. After a Diego
 * envelope that says JSON, the bytes are read as JSON: old and new BBS records of one model both decode.
 */
public final class ProtobufDecoder implements Decoder {

    private final Descriptor type;
    private final Parser<DynamicMessage> parser;
    private final ProtoJson json;
    private final String source;

    public ProtobufDecoder(DescriptorSet set, Descriptor type, boolean protoNames, boolean defaults) {
        this.type = type;
        this.parser = DynamicMessage.getDefaultInstance(type).getParserForType();
        JsonFormat.Printer p = JsonFormat.printer().usingTypeRegistry(set.registry()).omittingInsignificantWhitespace();
        if (protoNames) {
            p = p.preservingProtoFieldNames();
        }
        if (defaults) {
            p = p.alwaysPrintFieldsWithNoPresence();
        }
        this.json = new ProtoJson(protoNames, defaults, p);
        this.source = set.file().toString();
    }

    @Override
    public DecodeResult decode(Slice value) {
        if (value.format() == Slice.Format.JSON) {
            return JsonDecoder.parse(value, "protobuf (Diego envelope of JSON)");
        }
        DynamicMessage message;
        try {
            message = parser.parseFrom(value.array(), value.offset(), value.length());
        } catch (InvalidProtocolBufferException e) {
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "protobuf: not a " + type.getFullName() + " ("
                    + Printable.message(e.getMessage(), 160) + ")");
        }
        if (!message.getUnknownFields().asMap().isEmpty() && message.getAllFields().isEmpty()) {
            return DecodeResult.failed(DecodeFailure.WRONG_TYPE, "protobuf: the bytes set none of " + type.getFullName()
                    + "'s fields, only unknown field numbers " + message.getUnknownFields().asMap().keySet()
                    + ": another message type, or not protobuf");
        }
        try {
            return DecodeResult.decoded(json.write(message));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            // An Any of a type the set lacks; a Timestamp or Duration out of its range.
            return DecodeResult.failed(DecodeFailure.UNDECODABLE, "protobuf: this " + type.getFullName()
                    + " has no JSON form (" + Printable.message(e.getMessage(), 160) + ")");
        }
    }

    @Override
    public String describe() {
        return "protobuf(" + type.getFullName() + " from " + source + ")";
    }
}
