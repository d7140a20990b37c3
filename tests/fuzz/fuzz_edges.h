#pragma once
// The cards the APDU targets fuzz, one per SOFTCARD_FUZZ_EDGE: iso (built-in profile), gids, ski
// (GIDS with a known admin key, plus a known SKI shared key), piv and piv_plain (PIV personalized
// from profiles, with the YubiKey personality and plain, the admin key as management key).
#include <string>
#include <vector>

#include "fuzz_card.h"
#include "fuzz_piv_setup.h"
#include "softcard/crypto.h"

namespace softcard::fuzz {

// Secrets chosen by the harness; long and patterned so a leak cannot be a coincidence.
inline const char* const admin_key_hex = "A1B2C3D4E5F60718293A4B5C6D7E8F90A1B2C3D4E5F60718";
inline const char* const shared_key_hex =
    "6d64746573742d7368617265642d6b65792d30312d6d64746573742d30312121";
inline constexpr std::uint8_t shared_key_number = 1;
// The SKI card's establishment keys (docs/ski.md §13), away from containers 0..2 that the sealed
// CSF_IMPORT_KEYPAIR seeds fill.
inline constexpr std::uint8_t rsa_establishment_container = 5;
inline constexpr std::uint8_t ecdh_establishment_container = 6;

inline std::string gids_profile_text(bool ski) {
  std::string text = R"({"softcard_profile": 1, "name": "fuzz-gids", "serial": "0011223344556677",
    "applets": ["gids"],
    "gids": {"state": "initialized",
             "user_pin": {"value": "123456", "min_length": 4, "max_length": 16, "max_tries": 3},
             "admin_key": {"algorithm": "3des", "value": ")" +
                     std::string(admin_key_hex) + R"("}, "cardid": "serial"})";
  if (ski)
    text += R"(, "ski": {"shared_keys": [{"number": 1, "key": ")" + std::string(shared_key_hex) +
            R"("}], "establishment_keys": [{"container": )" +
            std::to_string(rsa_establishment_container) + R"(, "algorithm": "rsa1024"},
            {"container": )" +
            std::to_string(ecdh_establishment_container) + R"(, "algorithm": "ecdh-p256"}]})";
  return text + "}";
}

// PIV: PIN 123456, PUK 12345678 (the defaults), the admin key as the 3DES 9B management key.
// `piv`: the YubiKey personality (firmware 5.7.0, P-256 attestation key) with keys in 9A, 9C, 9D
// and 9E made by the harness (fuzz_piv_setup.h), so key use, metadata and attestation are reachable
// at once; `piv_plain`: a plain PIV card (Yubico instructions answer 6D00), no keys.
inline Profile piv_profile(bool yubikey) {
  std::string text = R"({"softcard_profile": 1, "name": "fuzz-piv", "serial": "0011223344556677",
    "applets": )" + std::string(yubikey ? R"(["piv", "yubikey-mgmt"])" : R"(["piv"])") +
                     R"(, "piv": {"management_key": {"algorithm": "3des", "value": ")" +
                     std::string(admin_key_hex) + R"("}})";
  if (yubikey)
    text +=
        R"(, "yubikey": {"firmware": "5.7.0", "serial": 12345678, "attestation_key": "eccp256"})";
  return parse_profile("fuzz", text + "}");
}

inline StoredObjects edge_objects(const std::string& edge) {
  if (edge == "iso") return personalized_objects(load_profile("iso"));
  if (edge == "gids" || edge == "ski")
    return personalized_objects(parse_profile("fuzz", gids_profile_text(edge == "ski")));
  if (edge == "piv")
    return with_piv_keys(personalized_objects(piv_profile(true)), builtin_applets(),
                         from_hex(admin_key_hex));
  if (edge == "piv_plain") return personalized_objects(piv_profile(false));
  oracle_failed("unknown fuzz edge " + edge);
}

// The symmetric secrets (8-byte windows are checked in every response).
inline std::vector<Bytes> edge_secrets() {
  return {from_hex(admin_key_hex), from_hex(shared_key_hex)};
}

}  // namespace softcard::fuzz
