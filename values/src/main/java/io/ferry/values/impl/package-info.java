/**
 * The chain's steps and decoders. Public only so that {@link io.ferry.values.DecodeChainParser} can assemble
 * them; not an API: use {@link io.ferry.values.ValueDecoder}.
 */
package io.ferry.values.impl;
