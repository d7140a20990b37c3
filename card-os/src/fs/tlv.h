#pragma once
// Minimal BER-TLV reading and writing for FCP/FCI and security attributes.
#include <cstdint>
#include <optional>
#include <vector>

#include "softcard/bytes.h"

namespace softcard::fs {

struct Tlv {
  unsigned tag = 0;  // one or two bytes, as on the wire (e.g. 0x62, 0x5F2D)
  ByteView value;
};

// Splits a sequence of data objects. Returns nullopt when an encoding is malformed or runs
// past the end.
std::optional<std::vector<Tlv>> parse_tlvs(ByteView data);

void put_tlv(Bytes& out, unsigned tag, ByteView value);
void put_length(Bytes& out, std::size_t length);

}  // namespace softcard::fs
