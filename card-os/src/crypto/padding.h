#pragma once
// Block cipher padding, done by us so that every backend pads the same way.
#include "softcard/crypto.h"

namespace softcard::padding {

// Returns data padded to a multiple of block (scheme none: data unchanged, length checked).
SecretBytes pad(BlockPadding scheme, ByteView data, std::size_t block);
// Length of the payload once the padding is removed; throws CryptoError(bad_padding).
std::size_t unpadded_length(BlockPadding scheme, ByteView data, std::size_t block);

}  // namespace softcard::padding
