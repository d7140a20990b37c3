#pragma once
// The PIV applet's persistent model: algorithm ids, key references, data-object tags, the
// records it keeps in the card image (prefix "piv/", and "yubikey/" for the YubiKey device
// identity the management application shares) and their encodings (model.cpp).
#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "softcard/bytes.h"
#include "softcard/store.h"

namespace softcard::piv {

// --- algorithm identifiers (SP 800-78-4 table 6-2; Yubico's additions) -----------------------
namespace alg {
inline constexpr std::uint8_t tdes_legacy = 0x00;  // "the card's 9B key" (SP 800-73-4 3DES)
inline constexpr std::uint8_t tdes = 0x03;
inline constexpr std::uint8_t rsa3072 = 0x05;
inline constexpr std::uint8_t rsa1024 = 0x06;
inline constexpr std::uint8_t rsa2048 = 0x07;
inline constexpr std::uint8_t aes128 = 0x08;
inline constexpr std::uint8_t aes192 = 0x0A;
inline constexpr std::uint8_t aes256 = 0x0C;
inline constexpr std::uint8_t p256 = 0x11;
inline constexpr std::uint8_t p384 = 0x14;
inline constexpr std::uint8_t rsa4096 = 0x16;
inline constexpr std::uint8_t ed25519 = 0xE0;
inline constexpr std::uint8_t x25519 = 0xE1;
}  // namespace alg

bool is_rsa(std::uint8_t a);
bool is_ec(std::uint8_t a);
bool is_symmetric(std::uint8_t a);
unsigned rsa_bits(std::uint8_t a);         // 0 for others
std::size_t sym_key_size(std::uint8_t a);  // 24, 16, 24, 32; 0 for others

// --- key references ------------------------------------------------------------------------
inline constexpr std::uint8_t pin_ref = 0x80;
inline constexpr std::uint8_t puk_ref = 0x81;
inline constexpr std::uint8_t mgmt_ref = 0x9B;
inline constexpr std::uint8_t attestation_slot = 0xF9;
// 9A, 9C, 9D, 9E and the retired slots 82..95.
bool is_key_slot(std::uint8_t slot);
// The certificate object of a key slot (5FC105 for 9A ...), 0 for others.
std::uint32_t cert_object_of(std::uint8_t slot);

// --- policies (Yubico) ---------------------------------------------------------------------
enum class PinPolicy : std::uint8_t { defaulted = 0, never = 1, once = 2, always = 3 };
enum class TouchPolicy : std::uint8_t { defaulted = 0, never = 1, always = 2, cached = 3 };
// What "default" means for a slot: 9C always, 9E never, every other slot once; touch never.
PinPolicy default_pin_policy(std::uint8_t slot);

enum class Origin : std::uint8_t { generated = 1, imported = 2 };

// --- records -------------------------------------------------------------------------------
inline constexpr const char* pin_prefix = "piv/pin/";
inline constexpr const char* mgmt_key = "piv/mgmt";
inline constexpr const char* device_key = "yubikey/device";
std::string slot_key(std::uint8_t slot);    // "piv/key/9a"
std::string object_key(std::uint32_t tag);  // "piv/obj/5fc105"
inline constexpr const char* key_prefix = "piv/key/";
inline constexpr const char* object_prefix = "piv/obj/";

// The management key (9B).
struct MgmtKey {
  std::uint8_t algorithm = alg::tdes;
  bool touch = false;  // SET MANAGEMENT KEY with P2=FE
  SecretBytes key;
};

// A private key in a slot. The PKCS#8 is never answered to any command.
struct SlotKey {
  std::uint8_t algorithm = 0;
  PinPolicy pin_policy = PinPolicy::once;  // resolved, never `defaulted`
  TouchPolicy touch_policy = TouchPolicy::never;
  Origin origin = Origin::generated;
  SecretBytes pkcs8;
};

// The YubiKey personality of a card. Absent: a plain SP 800-73-4 PIV card (no Yubico INS).
struct Device {
  std::array<std::uint8_t, 3> version{5, 7, 0};
  std::uint32_t serial = 0;
  std::uint8_t form_factor = 0x01;                  // USB-A keychain
  bool touch_times_out = false;                     // simulated touch: granted, or never given
  std::uint8_t factory_mgmt_algorithm = alg::tdes;  // what RESET restores
  bool at_least(std::uint8_t major, std::uint8_t minor) const {
    return version[0] > major || (version[0] == major && version[1] >= minor);
  }
};

// Encodings: version byte 1 first; decoders throw ImageError on anything else.
Bytes encode_mgmt(const MgmtKey& k);
MgmtKey decode_mgmt(ByteView b);
Bytes encode_slot(const SlotKey& k);
SlotKey decode_slot(ByteView b);
Bytes encode_device(const Device& d);
Device decode_device(ByteView b);

std::optional<Device> load_device(const ObjectStore& store);
MgmtKey load_mgmt(const ObjectStore& store);  // ImageError when missing
std::optional<SlotKey> load_slot(const ObjectStore& store, std::uint8_t slot);

// The factory values of real tokens.
inline constexpr const char* default_pin = "123456";
inline constexpr const char* default_puk = "12345678";
const Bytes& default_mgmt_key();  // 010203040506070801020304050607080102030405060708
// A PIN or PUK as the card keeps it and hosts send it: padded with FF to 8 bytes.
Bytes padded_pin(std::string_view value);
// The unpadded length of an 8-byte PIN block (trailing FF removed).
std::size_t unpadded_length(ByteView block);

}  // namespace softcard::piv
