package io.ferry.values.impl;

import io.ferry.values.DecodeResult;

/**
 * Opens a sealed blob in Diego BBS's layout (key label, nonce, AES-GCM ciphertext; see {@link KeyRing}) that
 * fills the value. For chains that assemble Diego's steps by hand; {@link DiegoStep} does it by the value's
 * own encoding prefix.
 */
public final class DecryptStep implements Step {

    private final KeyRing keys;

    public DecryptStep(KeyRing keys) {
        this.keys = keys;
    }

    @Override
    public DecodeResult apply(Slice value) {
        return keys.open(value, "decrypt");
    }

    @Override
    public boolean decrypts() {
        return true;
    }

    @Override
    public String describe() {
        return "decrypt(keys: " + String.join(", ", keys.labels()) + ")";
    }
}
