#pragma once
// The PIV fuzz target starts from a card that already holds keys (9A P-256, 9C RSA-1024, 9D
// P-384, 9E P-256), so key use, metadata and attestation are reachable without the fuzzer having
// to answer the management key's random witness.
#include <stdexcept>

#include "fuzz_card.h"
#include "softcard/crypto.h"
#include "softcard/wire/tlv.h"

namespace softcard::fuzz {

inline StoredObjects with_piv_keys(const StoredObjects& objects, const AppletRegistry& registry,
                                   ByteView mgmt_key) {
  DeterministicRng rng(personalization_seed);  // not the card's run-time stream
  const MemoryStore* backend = nullptr;
  auto card = card_from(objects, rng, registry, &backend);
  auto must = [&](const Bytes& apdu) {
    const Bytes r = card->transmit(apdu);
    if (r.size() < 2 || r[r.size() - 2] != 0x90) oracle_failed("PIV setup failed: " + to_hex(apdu));
    return Bytes(r.begin(), r.end() - 2);
  };
  must(from_hex("00A4040005A000000308"));
  const Bytes w = must(from_hex("0087039B047C02800000"));
  const auto dyn = wire::find_tlv(w, 0x7C);
  const auto enc = dyn ? wire::find_tlv(*dyn, 0x80) : std::nullopt;
  if (!enc) oracle_failed("PIV setup: no witness");
  CryptoProvider host;
  const SecretBytes witness =
      host.decrypt({BlockAlg::tdes, BlockMode::ecb, BlockPadding::none}, mgmt_key, {}, *enc);
  Bytes inner = wire::tlv(0x80, witness.view());
  append(inner, wire::tlv(0x81, Bytes(8, 0x11)));
  Bytes apdu = {0x00, 0x87, 0x03, 0x9B, static_cast<std::uint8_t>(inner.size() + 2)};
  append(apdu, wire::tlv(0x7C, inner));
  must(apdu);
  must(from_hex("0047009A05AC03800111"));
  must(from_hex("0047009C05AC03800106"));
  must(from_hex("0047009D05AC03800114"));
  must(from_hex("0047009E05AC03800111"));
  return {backend->objects(), backend->secret_keys()};
}

}  // namespace softcard::fuzz
