#pragma once
// Small byte-vector helpers for the wire tests (hex literals come from tests/support/hex.h).
#include "hex.h"
#include "softcard/wire/bytes.h"

namespace softcard::wire::test {

using softcard::test::hex;

inline Bytes filled(std::size_t n, std::uint8_t v) {
  return Bytes(n, v);
}

inline Bytes cat(Bytes a, const Bytes& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

}  // namespace softcard::wire::test
