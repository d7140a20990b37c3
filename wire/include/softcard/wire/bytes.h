#pragma once
// The byte types every wire format is written over. card-os's softcard::Bytes and ByteView name
// the same types, so values pass between the two without copies.
#include <cstdint>
#include <span>
#include <vector>

namespace softcard::wire {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

inline void append(Bytes& out, ByteView more) {
  out.insert(out.end(), more.begin(), more.end());
}

// Zeroes the contents in a way the optimizer keeps (decoded private key parts, plaintext
// payloads), then empties the vector.
void wipe(Bytes& b) noexcept;

// Big-endian integer with the leading zero bytes removed (at least one byte is kept).
Bytes strip_leading_zeros(ByteView be);

}  // namespace softcard::wire
