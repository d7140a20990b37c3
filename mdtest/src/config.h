#pragma once
// The description of the card under test (docs/mdtest.md "Configuration" lists every field).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace softcard::mdtest {

struct AdminKey {
  std::string algorithm = "3des";  // "3des" (24 bytes), "aes" (16/24/32 bytes) or "none"
  std::vector<std::uint8_t> value = std::vector<std::uint8_t>(24, 0);  // GIDS default
};

// A key already on a read-only card: container index, key spec by its cardmod.h name
// ("AT_KEYEXCHANGE", "AT_SIGNATURE", "AT_ECDSA_P256", "AT_ECDHE_P384", ...), size in bits (RSA
// modulus; for EC the curve's, implied by the spec).
struct ProvisionedKey {
  unsigned index = 0;
  std::string spec;
  unsigned bits = 0;
};

struct Config {
  std::string library;  // path of the minidriver; --lib overrides
  std::string card_name = "softcard-mdtest card";
  std::vector<std::string> readers;  // empty: the first readers that hold a card
  double reader_wait_seconds = 10;

  std::string user_pin = "123456";
  unsigned pin_min_length = 4, pin_max_length = 16, pin_max_tries = 3;
  // CardAuthenticateEx GENERATE_SESSION_PIN / SESSION_PIN outside SKI (CMCK's session-PIN
  // capability); false: pin.session_pin skips and expects SCARD_E_UNSUPPORTED_FEATURE.
  bool session_pin = true;
  AdminKey admin_key;

  std::vector<unsigned> rsa_generate = {1024, 2048};
  std::vector<unsigned> rsa_import = {2048};
  std::vector<std::string> ecc_generate = {"P-256", "P-384", "P-521"};
  // Read-only cards: the keys nodes use instead of generating one (TempContainer).
  std::vector<ProvisionedKey> provisioned;
  std::vector<std::string> sign_paddings = {"pkcs1", "pss"};
  std::vector<std::string> hashes = {"sha1", "sha256", "sha384", "sha512"};
  std::vector<std::string> decrypt_paddings = {"pkcs1", "oaep", "none"};
  std::vector<std::string> oaep_hashes = {"sha1", "sha256", "sha384", "sha512"};
  bool oaep_labels = true;
  std::vector<std::string> kdfs = {"HASH", "HMAC", "SP800_56A_CONCAT"};

  // Optional entry points by cardmod.h name; absent means implemented.
  std::map<std::string, bool> functions;
  bool read_only = false;

  bool ski = true;
  std::vector<std::string> ski_import = {"rsa", "ecc", "shared"};
  std::vector<std::string> ski_algorithms = {"AES", "3DES", "3DES_112"};
  // Session-key derivations beyond the spec's KeyDataBlob are vendor protocols; "softcard" enables
  // the ECC and shared-key nodes written from docs/ski.md §7.
  std::string ski_protocol;
  // Containers holding the card's SKI establishment keys (docs/ski.md §13), the only keys that
  // establish session keys; -1: none provisioned (the RSA / ECC establishment nodes skip).
  int ski_establishment_rsa = -1, ski_establishment_ecc = -1;
  int ski_shared_number = -1;  // provisioned shared key (number, 32-byte value); -1: none
  std::vector<std::uint8_t> ski_shared_key;

  std::string hook_remove, hook_insert, hook_reset;  // shell commands; empty = not available

  unsigned speed_repeat = 20;
  unsigned stress_threads = 5, stress_iterations = 10;
  bool block_pin = true;  // PIN block/unblock sequences (card 2); needs unblock to restore it

  bool implements(const std::string& function) const {
    auto it = functions.find(function);
    return it == functions.end() || it->second;
  }
  template <class T>
  static bool has(const std::vector<T>& list, const T& v) {
    for (const auto& x : list)
      if (x == v) return true;
    return false;
  }
};

// Parses the JSON text; unknown fields, wrong types and bad values throw std::runtime_error
// naming the field (a typo must not silently fall back to a default).
Config parse_config(const std::string& json_text);

}  // namespace softcard::mdtest
