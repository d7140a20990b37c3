#pragma once
// Personalization of a GIDS card from plain values (the JSON profile loader calls this).
#include <cstdint>
#include <optional>
#include <string>

#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard::gids {

enum class AdminKeyAlgorithm : std::uint8_t { tdes = 0, aes = 1 };

struct GidsPersonalization {
  // false: factory-fresh card in creation state (no PIN, no file system); gids-tool
  // --initialize (or msclmd's card creation) initializes it. The fields below are then ignored.
  bool initialized = true;
  std::string user_pin = "123456";   // ASCII, 4..16 bytes
  std::uint8_t pin_max_tries = 3;    // 1..15
  std::uint8_t pin_min_length = 4;   // 4..16
  std::uint8_t pin_max_length = 16;  // min..16
  std::optional<std::string> puk;    // PUK 0x81 (unblocks PIN 0x80) when set
  std::uint8_t puk_max_tries = 3;
  AdminKeyAlgorithm admin_key_algorithm = AdminKeyAlgorithm::tdes;
  SecretBytes admin_key;  // 24 bytes 3DES (16 accepted as 2-key), or 16/24/32 AES
  Bytes cardid;           // 16 bytes; empty = random
};

// Writes the GIDS applet's objects (prefix "gids/") into the store (not committed). Throws
// ProfileError naming the offending field.
void personalize_gids(ObjectStore& store, Rng& rng, const GidsPersonalization& p);

// Writes `key` as SKI establishment key of container `index` (docs/ski.md §13): key file
// B0(81+index) whose FCP lists an A6 CRT, a valid key-exchange cmapfile record, the key map
// record and a cardcf bump. Needs an initialized card. Throws CardError: 6A86 index >= 126,
// 6985 no cmapfile, 6A80 a key GIDS cannot hold.
void add_establishment_key(ObjectStore& store, CryptoProvider& crypto, std::size_t index,
                           const KeyPair& key);

}  // namespace softcard::gids
