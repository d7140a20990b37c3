#pragma once
// Host-side helpers for minidriver tests: CARD_DATA setup, CAPI/BCrypt blob builders, a tiny
// DER reader (to get RSA components out of PKCS#8 for PRIVATEKEYBLOB).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <vector>

#include "applets/ski/ski_codec.h"
#include "cardmod.h"
#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard_minidriver.h"

namespace softcard::mdtest {

inline LPVOID WINAPI test_alloc(SIZE_T n) {
  return std::calloc(1, n);
}
inline LPVOID WINAPI test_realloc(LPVOID p, SIZE_T n) {
  return std::realloc(p, n);
}
inline void WINAPI test_free(LPVOID p) {
  std::free(p);
}

inline void prepare(CARD_DATA& cd) {
  std::memset(&cd, 0, sizeof cd);
  cd.dwVersion = CARD_DATA_CURRENT_VERSION;
  cd.pfnCspAlloc = test_alloc;
  cd.pfnCspReAlloc = test_realloc;
  cd.pfnCspFree = test_free;
}

// DER: returns the value of each element of a SEQUENCE.
inline std::vector<Bytes> der_sequence(ByteView der) {
  auto read = [](ByteView d, std::size_t& pos, std::uint8_t& tag) {
    tag = d[pos++];
    std::size_t len = d[pos++];
    if (len & 0x80) {
      const std::size_t k = len & 0x7F;
      len = 0;
      for (std::size_t i = 0; i < k; ++i) len = (len << 8) | d[pos++];
    }
    Bytes v(d.begin() + pos, d.begin() + pos + len);
    pos += len;
    return v;
  };
  std::size_t pos = 0;
  std::uint8_t tag;
  Bytes seq = read(der, pos, tag);
  std::vector<Bytes> out;
  pos = 0;
  while (pos < seq.size()) out.push_back(read(seq, pos, tag));
  return out;
}

inline Bytes strip(Bytes v) {
  while (v.size() > 1 && v[0] == 0) v.erase(v.begin());
  return v;
}
inline Bytes le_padded(const Bytes& be, std::size_t n) {
  Bytes v = strip(be);
  Bytes out(v.rbegin(), v.rend());
  out.resize(n, 0);
  return out;
}

// CAPI PRIVATEKEYBLOB of an RSA key pair.
inline Bytes privatekeyblob(CryptoProvider& c, const KeyPair& k, bool keyx = true) {
  SecretBytes p8 = c.export_private(k);
  auto outer = der_sequence(p8.view());  // version, algid, octet string
  auto rsa = der_sequence(outer[2]);     // version n e d p q dp dq qinv
  const std::size_t n = k.bits() / 8, h = n / 2;
  Bytes out = {PRIVATEKEYBLOB, CUR_BLOB_VERSION, 0, 0};
  ski::put_u32le(out, keyx ? CALG_RSA_KEYX : CALG_RSA_SIGN);
  ski::put_u32le(out, RSA2_MAGIC);
  ski::put_u32le(out, k.bits());
  std::uint32_t e = 0;
  for (auto b : strip(rsa[2])) e = (e << 8) | b;
  ski::put_u32le(out, e);
  append(out, le_padded(rsa[1], n));
  for (int i : {4, 5, 6, 7, 8}) append(out, le_padded(rsa[i], h));
  append(out, le_padded(rsa[3], n));
  return out;
}

inline Bytes import_keypair_struct(std::uint8_t index, DWORD spec, DWORD bits, const Bytes& blob,
                                   DWORD pin = ROLE_USER) {
  Bytes s;
  ski::put_u32le(s, 7);
  s.push_back(index), s.push_back(0), s.push_back(0), s.push_back(0);
  ski::put_u32le(s, pin);
  ski::put_u32le(s, spec);
  ski::put_u32le(s, bits);
  ski::put_u32le(s, static_cast<DWORD>(blob.size()));
  append(s, blob);
  return s;
}

inline Bytes authenticate_struct(DWORD flags, ByteView pin) {
  Bytes s;
  ski::put_u32le(s, 7), ski::put_u32le(s, flags), ski::put_u32le(s, ROLE_USER);
  ski::put_u32le(s, static_cast<DWORD>(pin.size()));
  append(s, pin);
  return s;
}

inline Bytes change_struct(DWORD flags, DWORD auth_id, ByteView auth, ByteView fresh) {
  Bytes s;
  ski::put_u32le(s, 7), ski::put_u32le(s, flags), ski::put_u32le(s, auth_id);
  ski::put_u32le(s, static_cast<DWORD>(auth.size()));
  ski::put_u32le(s, ROLE_USER), ski::put_u32le(s, static_cast<DWORD>(fresh.size())),
      ski::put_u32le(s, 0);
  append(s, auth), append(s, fresh);
  return s;
}

}  // namespace softcard::mdtest
