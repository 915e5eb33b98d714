package io.ferry.values;

import java.util.Locale;

/**
 * Why a value could not be turned into a document. Few and stable, so that a caller can count them in a
 * metric tag ({@link #tag()}) and store them in a column; the {@linkplain DecodeResult#reason() reason}
 * beside it says the rest.
 */
public enum DecodeFailure {

    /**
     * The bytes are not what the chain declares: a missing prefix or magic, malformed base64, JSON or CBOR,
     * truncated or corrupt protobuf, an unknown Diego encoding or envelope, an empty value.
     */
    UNDECODABLE,

    /**
     * Encrypted (Diego BBS AES-GCM) under a key label that the mapping's key ring does not hold, or the mapping
     * has no key ring at all. Add the key to the ring to read it.
     */
    ENCRYPTED_NO_KEY,

    /**
     * The key ring holds the value's key label, but that key does not open it: a different key under the same
     * label, or bytes altered since they were sealed.
     */
    DECRYPTION_FAILED,

    /**
     * Encrypted at rest by the Kubernetes API server ({@code k8s:enc:...}). Its keys belong to the API server
     * (often to a KMS), so Ferry never reads these values; they are counted, not decoded.
     */
    ENCRYPTED_AT_REST,

    /**
     * Well-formed, but not what the mapping expects: a Kubernetes kind without a built-in protobuf type, bytes
     * that parse as none of the protobuf message's fields, a Diego envelope format that the chain's decoder
     * does not read, a Kubernetes object that is not a JSON object.
     */
    WRONG_TYPE;

    /** The name in lower case ({@code undecodable}, {@code encrypted_no_key}, ...), for metric tags and columns. */
    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
