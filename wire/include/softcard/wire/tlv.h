#pragma once
// BER-TLV (ISO/IEC 7816-4 §5.2, the subset smart cards use): tags of one or two bytes, lengths
// in the short form or the long forms 81 xx and 82 xx xx (no APDU carries more than 65535
// bytes). DER (X.690) is the same encoding with minimal lengths, so PKCS#1/PKCS#8 structures
// are read with the same parser.
#include <cstdint>
#include <optional>
#include <vector>

#include "softcard/wire/bytes.h"

namespace softcard::wire {

struct Tlv {
  std::uint32_t tag = 0;  // as on the wire: 0x62, 0x7F49, 0x5F2D
  ByteView value;         // points into the parsed buffer
};

// Splits a sequence of data objects (one level; parse a value again for what is nested).
// Bytes 00 and FF between objects are padding (ISO 7816-4 §5.2.2) and skipped. nullopt when
// any object is malformed: a tag of three or more bytes, a length form other than 00..7F, 81,
// 82, or a value that runs past the end.
std::optional<std::vector<Tlv>> parse_tlvs(ByteView data);

// The first object with `tag`, or nullptr.
const Tlv* find_tlv(const std::vector<Tlv>& tlvs, std::uint32_t tag);
// parse_tlvs + find: the value of the first object with `tag`; nullopt when absent or when
// `data` is malformed anywhere.
std::optional<ByteView> find_tlv(ByteView data, std::uint32_t tag);

// The length field for n bytes, in the shortest form. Throws std::length_error above 65535.
void put_length(Bytes& out, std::size_t n);
// Tag (one byte when <= 0xFF, else two), length, value.
void put_tlv(Bytes& out, std::uint32_t tag, ByteView value);
Bytes tlv(std::uint32_t tag, ByteView value);

}  // namespace softcard::wire
