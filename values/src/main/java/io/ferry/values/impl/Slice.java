package io.ferry.values.impl;

/**
 * The part of a value that the chain has not consumed yet: a window on a byte array, moved by the steps
 * without copying (a step that transforms, as base64 or decryption does, puts its output in place of the
 * array). One per {@code decode} call, confined to its thread.
 */
public final class Slice {

    /** What an earlier step learned about the format of the rest (Diego's envelope says it). */
    public enum Format { UNKNOWN, JSON, PROTOBUF }

    private byte[] bytes;
    private int offset;
    private int length;
    private Format format = Format.UNKNOWN;
    private boolean decrypted;

    public Slice(byte[] bytes) {
        this.bytes = bytes;
        this.length = bytes.length;
    }

    public byte[] array() {
        return bytes;
    }

    public int offset() {
        return offset;
    }

    public int length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** The byte at {@code i}, counted from the start of the window, as 0..255. */
    public int at(int i) {
        return bytes[offset + i] & 0xff;
    }

    /** Whether the window starts with {@code prefix}. */
    public boolean startsWith(byte[] prefix) {
        if (length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[offset + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /** Drops the first {@code n} bytes of the window. */
    public void skip(int n) {
        offset += n;
        length -= n;
    }

    /** Makes {@code replacement} the whole window: the output of a transforming step. */
    public void replace(byte[] replacement) {
        bytes = replacement;
        offset = 0;
        length = replacement.length;
    }

    /** A copy of the window. */
    public byte[] toArray() {
        byte[] out = new byte[length];
        System.arraycopy(bytes, offset, out, 0, length);
        return out;
    }

    public Format format() {
        return format;
    }

    public void format(Format format) {
        this.format = format;
    }

    /** Whether a step decrypted the bytes: from then on no failure reason may quote them. */
    public boolean decrypted() {
        return decrypted;
    }

    public void markDecrypted() {
        decrypted = true;
    }

    /**
     * The first few bytes, printable ASCII as it is and the rest as {@code \xNN}, for failure reasons about a
     * prefix or a magic number; nothing once the bytes were decrypted.
     */
    public String preview() {
        if (decrypted) {
            return "(decrypted bytes not shown)";
        }
        return Printable.bytes(bytes, offset, Math.min(length, 12)) + (length > 12 ? "..." : "");
    }
}
