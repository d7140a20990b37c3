#pragma once
// Personalization of a PIV card (and of its YubiKey personality) from plain values; the profile
// loader calls this. docs/profiles.md gives the defaults.
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "softcard/bytes.h"
#include "softcard/crypto.h"
#include "softcard/rng.h"
#include "softcard/store.h"

namespace softcard::piv {

struct YubiKeyPersonalization {
  std::array<std::uint8_t, 3> version{5, 7, 0};  // 4.3.x or 5.x
  std::uint32_t serial = 0;                      // 0: random, 8 digits
  std::uint8_t form_factor = 0x01;               // USB-A keychain
  bool touch_times_out = false;                  // simulated touch never comes
  std::uint8_t attestation_algorithm = 0x07;     // RSA-2048 (06, 07, 11, 14)
};

struct PivPersonalization {
  std::string pin = "123456";  // 6..8 characters
  std::string puk = "12345678";
  std::uint8_t pin_tries = 3;  // 1..15
  std::uint8_t puk_tries = 3;
  std::uint8_t management_algorithm = 0x03;       // 03 3DES, 08/0A/0C AES (AES from firmware 5.4)
  SecretBytes management_key;                     // empty: 010203..08 (24 bytes)
  bool chuid = true;                              // a CHUID with a random GUID
  bool ccc = true;                                // a CCC with a random card identifier
  std::optional<YubiKeyPersonalization> yubikey;  // absent: a plain PIV card
  std::string now;  // "YYYYMMDDHHMMSSZ" of personalization; empty: the system clock
};

// Writes the PIV applet's objects (prefixes "piv/" and "yubikey/") into the store (not
// committed). Throws ProfileError naming the offending field.
void personalize_piv(ObjectStore& store, Rng& rng, CryptoProvider& crypto,
                     const PivPersonalization& p);

}  // namespace softcard::piv
