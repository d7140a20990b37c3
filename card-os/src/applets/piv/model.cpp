// Records of the PIV applet in the card image and the algorithm / slot tables.
#include <cstdio>

#include "applets/piv/piv_model.h"
#include "softcard/errors.h"
#include "softcard/wire/piv.h"

namespace softcard::piv {

bool is_rsa(std::uint8_t a) {
  return a == alg::rsa1024 || a == alg::rsa2048 || a == alg::rsa3072 || a == alg::rsa4096;
}
bool is_ec(std::uint8_t a) {
  return a == alg::p256 || a == alg::p384;
}
bool is_symmetric(std::uint8_t a) {
  return sym_key_size(a) != 0;
}
unsigned rsa_bits(std::uint8_t a) {
  switch (a) {
    case alg::rsa1024:
      return 1024;
    case alg::rsa2048:
      return 2048;
    case alg::rsa3072:
      return 3072;
    case alg::rsa4096:
      return 4096;
    default:
      return 0;
  }
}
std::size_t sym_key_size(std::uint8_t a) {
  switch (a) {
    case alg::tdes:
      return 24;
    case alg::aes128:
      return 16;
    case alg::aes192:
      return 24;
    case alg::aes256:
      return 32;
    default:
      return 0;
  }
}

bool is_key_slot(std::uint8_t slot) {
  return slot == 0x9A || slot == 0x9C || slot == 0x9D || slot == 0x9E ||
         (slot >= 0x82 && slot <= 0x95);
}

std::uint32_t cert_object_of(std::uint8_t slot) {
  static_assert(attestation_slot == 0xF9);
  return wire::piv_cert_object(slot);
}

PinPolicy default_pin_policy(std::uint8_t slot) {
  if (slot == 0x9C) return PinPolicy::always;
  if (slot == 0x9E || slot == attestation_slot) return PinPolicy::never;
  return PinPolicy::once;
}

std::string slot_key(std::uint8_t slot) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "piv/key/%02x", slot);
  return buf;
}
std::string object_key(std::uint32_t tag) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "piv/obj/%06x", tag);
  return buf;
}

namespace {
constexpr std::uint8_t record_version = 1;
[[noreturn]] void bad(const char* what) {
  throw ImageError(std::string("PIV ") + what + " record is malformed");
}
}  // namespace

Bytes encode_mgmt(const MgmtKey& k) {
  Bytes b{record_version, k.algorithm, static_cast<std::uint8_t>(k.touch ? 1 : 0)};
  append(b, k.key.view());
  return b;
}
MgmtKey decode_mgmt(ByteView b) {
  if (b.size() < 3 || b[0] != record_version || !is_symmetric(b[1]) ||
      b.size() - 3 != sym_key_size(b[1]))
    bad("management key");
  MgmtKey k;
  k.algorithm = b[1];
  k.touch = b[2] != 0;
  k.key = SecretBytes(b.subspan(3));
  return k;
}

Bytes encode_slot(const SlotKey& k) {
  Bytes b{record_version, k.algorithm, static_cast<std::uint8_t>(k.pin_policy),
          static_cast<std::uint8_t>(k.touch_policy), static_cast<std::uint8_t>(k.origin)};
  append(b, k.pkcs8.view());
  return b;
}
SlotKey decode_slot(ByteView b) {
  if (b.size() < 6 || b[0] != record_version ||
      !(is_rsa(b[1]) || is_ec(b[1]) || b[1] == alg::ed25519 || b[1] == alg::x25519) || b[2] < 1 ||
      b[2] > 3 || b[3] < 1 || b[3] > 3 || b[4] < 1 || b[4] > 2)
    bad("key");
  SlotKey k;
  k.algorithm = b[1];
  k.pin_policy = static_cast<PinPolicy>(b[2]);
  k.touch_policy = static_cast<TouchPolicy>(b[3]);
  k.origin = static_cast<Origin>(b[4]);
  k.pkcs8 = SecretBytes(b.subspan(5));
  return k;
}

Bytes encode_device(const Device& d) {
  Bytes b{record_version, d.version[0], d.version[1], d.version[2]};
  wire::put_u32be(b, d.serial);
  b.push_back(d.form_factor);
  b.push_back(d.touch_times_out ? 1 : 0);
  b.push_back(d.factory_mgmt_algorithm);
  return b;
}
Device decode_device(ByteView b) {
  if (b.size() != 11 || b[0] != record_version || !is_symmetric(b[10])) bad("device");
  Device d;
  d.version = {b[1], b[2], b[3]};
  d.serial = wire::get_u32be(b, 4);
  d.form_factor = b[8];
  d.touch_times_out = b[9] != 0;
  d.factory_mgmt_algorithm = b[10];
  return d;
}

std::optional<Device> load_device(const ObjectStore& store) {
  const Bytes* b = store.get(device_key);
  if (!b) return std::nullopt;
  return decode_device(*b);
}

MgmtKey load_mgmt(const ObjectStore& store) {
  const Bytes* b = store.get(mgmt_key);
  if (!b) throw ImageError("PIV card image has no management key");
  return decode_mgmt(*b);
}

std::optional<SlotKey> load_slot(const ObjectStore& store, std::uint8_t slot) {
  const Bytes* b = store.get(slot_key(slot));
  if (!b) return std::nullopt;
  return decode_slot(*b);
}

const Bytes& default_mgmt_key() {
  static const Bytes k = {1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7, 8};
  return k;
}

Bytes padded_pin(std::string_view value) {
  Bytes b(value.begin(), value.end());
  if (b.size() < 8) b.resize(8, 0xFF);
  return b;
}

std::size_t unpadded_length(ByteView block) {
  std::size_t n = block.size();
  while (n > 0 && block[n - 1] == 0xFF) --n;
  return n;
}

}  // namespace softcard::piv
