#pragma once
// Helpers for the crypto tests: hex literals and a minimal DER reader to look inside exported
// keys (independent of the backend under test).
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hex.h"
#include "softcard/crypto.h"

namespace softcard::test {

inline std::string hexs(ByteView b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (auto x : b) {
    s += d[x >> 4];
    s += d[x & 15];
  }
  return s;
}
inline std::string hexs(const SecretBytes& b) {
  return hexs(b.view());
}

inline Bytes to_bytes(const SecretBytes& s) {
  return Bytes(s.view().begin(), s.view().end());
}

// One DER TLV (single-byte tags only, definite lengths).
struct Tlv {
  std::uint8_t tag = 0;
  Bytes value;
};

inline std::vector<Tlv> der_children(ByteView data) {
  std::vector<Tlv> out;
  std::size_t i = 0;
  while (i < data.size()) {
    Tlv t;
    t.tag = data[i++];
    if (i >= data.size()) throw std::runtime_error("DER truncated");
    std::size_t len = data[i++];
    if (len & 0x80) {
      const std::size_t n = len & 0x7F;
      if (n == 0 || n > 3 || i + n > data.size()) throw std::runtime_error("DER length");
      len = 0;
      for (std::size_t k = 0; k < n; ++k) len = len << 8 | data[i++];
    }
    if (i + len > data.size()) throw std::runtime_error("DER value truncated");
    t.value.assign(data.begin() + i, data.begin() + i + len);
    i += len;
    out.push_back(std::move(t));
  }
  return out;
}

inline Tlv der_one(ByteView data) {
  auto v = der_children(data);
  if (v.size() != 1) throw std::runtime_error("expected one DER element");
  return v[0];
}

// INTEGER value without the sign byte.
inline Bytes unsigned_int(const Tlv& t) {
  Bytes v = t.value;
  while (v.size() > 1 && v[0] == 0) v.erase(v.begin());
  return v;
}

// The PKCS#1 RSAPrivateKey inside an RSA PKCS#8 PrivateKeyInfo.
inline Bytes pkcs1_from_pkcs8(ByteView pkcs8) {
  const Tlv outer = der_one(pkcs8);
  const auto parts = der_children(outer.value);  // version, algorithm, privateKey
  if (parts.size() < 3 || parts[2].tag != 0x04) throw std::runtime_error("not PKCS#8");
  return parts[2].value;
}

}  // namespace softcard::test
