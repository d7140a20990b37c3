#pragma once
// The cards the APDU targets fuzz, one per SOFTCARD_FUZZ_EDGE: iso (built-in profile), gids, ski
// (GIDS with a known admin key, plus a known SKI shared key), piv and yubikey (PIV personalized
// directly, plain and with the YubiKey personality, with a known management key).
#include <string>
#include <vector>

#include "applets/piv/piv_personalize.h"
#include "fuzz_card.h"
#include "softcard/crypto.h"

namespace softcard::fuzz {

// Secrets chosen by the harness; long and patterned so a leak cannot be a coincidence.
inline const char* const admin_key_hex = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718";
inline const char* const shared_key_hex =
    "6d64746573742d7368617265642d6b65792d30312d6d64746573742d30312121";
inline constexpr std::uint8_t shared_key_number = 1;
inline const char* const piv_mgmt_key_hex = "5A3C96E1D2874B0F6E1DA5C3B2F40817C6E95D3A0B7F2E14";

inline std::string gids_profile_text(bool ski) {
  std::string text = R"({"softcard_profile": 1, "name": "fuzz-gids", "serial": "0011223344556677",
    "applets": ["gids"],
    "gids": {"state": "initialized",
             "user_pin": {"value": "123456", "min_length": 4, "max_length": 16, "max_tries": 3},
             "admin_key": {"algorithm": "3des", "value": ")" +
                     std::string(admin_key_hex) + R"("}, "cardid": "serial"})";
  if (ski)
    text += R"(, "ski": {"shared_keys": [{"number": 1, "key": ")" + std::string(shared_key_hex) +
            R"("}]})";
  return text + "}";
}

// PIN 123456, PUK 12345678 (the defaults), 3DES management key piv_mgmt_key_hex, a fixed clock;
// the YubiKey personality attests with P-256 (quick to make).
inline StoredObjects piv_objects(bool yubikey) {
  DeterministicRng rng(personalization_seed);
  CryptoProvider crypto(rng);
  ObjectStore store(std::make_unique<MemoryStore>());
  piv::PivPersonalization p;
  p.management_key = SecretBytes(view(from_hex(piv_mgmt_key_hex)));
  p.now = "20261201120000Z";
  if (yubikey) {
    piv::YubiKeyPersonalization y;
    y.serial = 12345678;
    y.attestation_algorithm = 0x11;
    p.yubikey = y;
  }
  piv::personalize_piv(store, rng, crypto, p);
  CardIdentity id;
  id.serial = from_hex("0011223344556677");
  id.applets =
      yubikey ? std::vector<std::string>{"piv", "yubikey-mgmt"} : std::vector<std::string>{"piv"};
  id.profile = yubikey ? "fuzz-yubikey" : "fuzz-piv";
  write_identity(store, id);
  store.commit();
  return store.backend().load();
}

inline StoredObjects edge_objects(const std::string& edge) {
  if (edge == "iso") return personalized_objects(load_profile("iso"));
  if (edge == "gids" || edge == "ski")
    return personalized_objects(parse_profile("fuzz", gids_profile_text(edge == "ski")));
  if (edge == "piv" || edge == "yubikey") return piv_objects(edge == "yubikey");
  oracle_failed("unknown fuzz edge " + edge);
}

// The symmetric secrets of the edge (8-byte windows are checked in every response).
inline std::vector<Bytes> edge_secrets(const std::string& edge) {
  if (edge == "piv" || edge == "yubikey") return {from_hex(piv_mgmt_key_hex)};
  return {from_hex(admin_key_hex), from_hex(shared_key_hex)};
}

}  // namespace softcard::fuzz
