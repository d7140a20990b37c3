#pragma once
// Host-side helpers for minidriver tests: CARD_DATA setup and the blobs a server builds (through
// the wire library, the same code the card and the host library use).
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "cardmod.h"
#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/ski_codec.h"
#include "softcard/wire/key_blobs.h"
#include "softcard/wire/rsa_der.h"
#include "softcard/wire/ski.h"
#include "softcard/wire/tlv.h"
#include "softcard_minidriver.h"

namespace softcard::mdtest {

inline void prepare(CARD_DATA& cd) {
  SoftcardPrepareCardData(&cd);
}

// DER: the value of each element of a SEQUENCE (empty when `der` is not one).
inline std::vector<Bytes> der_sequence(ByteView der) {
  std::vector<Bytes> out;
  const auto top = wire::parse_tlvs(der);
  if (!top || top->size() != 1) return out;
  if (const auto items = wire::parse_tlvs(top->front().value))
    for (const auto& t : *items) out.emplace_back(t.value.begin(), t.value.end());
  return out;
}

// CAPI PRIVATEKEYBLOB of an RSA key pair.
inline Bytes privatekeyblob(CryptoProvider& c, const KeyPair& k, bool keyx = true) {
  SecretBytes p8 = c.export_private(k);
  const auto parts = wire::decode_pkcs8_rsa(p8.view());
  if (!parts) throw std::runtime_error("export_private gave no RSA PKCS#8");
  return wire::encode_privatekeyblob(*parts, keyx);
}

inline Bytes import_keypair_struct(std::uint8_t index, DWORD spec, DWORD bits, const Bytes& blob,
                                   DWORD pin = ROLE_USER) {
  return wire::ski::encode_import_keypair({index, pin, spec, bits, blob});
}

inline Bytes authenticate_struct(DWORD flags, ByteView pin) {
  return wire::ski::encode_authenticate({flags, ROLE_USER, pin});
}

inline Bytes change_struct(DWORD flags, DWORD auth_id, ByteView auth, ByteView fresh) {
  wire::ski::ChangeAuthenticator c;
  c.flags = flags, c.auth_pin_id = auth_id, c.target_pin_id = ROLE_USER;
  c.auth = auth, c.target = fresh;
  return wire::ski::encode_change_authenticator(c);
}

}  // namespace softcard::mdtest
