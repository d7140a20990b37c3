#pragma once
// The SKI command templates' TLVs: one-byte tags, lengths up to 0x82 xx xx. Malformed encodings
// answer 6A80.
#include <cstdint>
#include <optional>

#include "softcard/bytes.h"

namespace softcard::ski {

// The value of the first `tag` object in `data`, or nullopt.
std::optional<ByteView> find_tlv(ByteView data, std::uint8_t tag);
// Same, but a missing object answers 6A80.
ByteView need_tlv(ByteView data, std::uint8_t tag);
void put_tlv(Bytes& out, std::uint8_t tag, ByteView value);

}  // namespace softcard::ski
