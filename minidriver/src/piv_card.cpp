// PIV commands of the minidriver's PIV edge (docs/minidriver.md "PIV cards").
#include "piv_card.h"

#include <zlib.h>

#include <algorithm>

#include "gids_commands.h"
#include "softcard/wire/piv.h"
#include "softcard/wire/x509.h"

namespace softcard::md::piv {

namespace {

constexpr std::size_t max_certificate =
    std::size_t{64} * 1024;  // an inflated certificate past this is junk
constexpr std::uint8_t pin_ref = 0x80;

Command command(std::uint8_t ins, std::uint8_t p1, std::uint8_t p2, Bytes data,
                std::optional<std::uint32_t> ne = 256) {
  return gids_command(0x00, ins, p1, p2, std::move(data), ne);
}

Bytes tag_bytes(std::uint32_t tag) {
  Bytes b;
  if (tag > 0xFFFF) b.push_back(std::uint8_t(tag >> 16));
  if (tag > 0xFF) b.push_back(std::uint8_t(tag >> 8));
  b.push_back(std::uint8_t(tag));
  return b;
}

// gzip (RFC 1952), as SP 800-73-4's CertInfo compression bit means.
Bytes gunzip(ByteView in) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) fail(SCARD_E_NO_MEMORY);
  zs.next_in = const_cast<Bytef*>(in.data());
  zs.avail_in = static_cast<uInt>(in.size());
  Bytes out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    std::uint8_t chunk[4096];
    zs.next_out = chunk;
    zs.avail_out = sizeof chunk;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.insert(out.end(), chunk, chunk + (sizeof chunk - zs.avail_out));
    if (out.size() > max_certificate) rc = Z_DATA_ERROR;
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) rc = Z_DATA_ERROR;  // truncated stream
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END) fail(SCARD_E_UNEXPECTED);
  return out;
}

std::uint8_t rsa_alg(unsigned bits) {
  switch (bits) {
    case 1024:
      return 0x06;
    case 2048:
      return 0x07;
    case 3072:
      return 0x05;
    case 4096:
      return 0x16;
  }
  return 0;
}

// Key management slots (9D, retired) hold key-exchange containers; 9C's RSA key signs only
// (the digital signature key), every other RSA key also deciphers, so it is a key-exchange one.
bool key_exchange_role(std::uint8_t slot, KeyType type) {
  const bool key_management = slot == 0x9D || (slot >= 0x82 && slot <= 0x95);
  return type == KeyType::rsa ? slot != 0x9C : key_management;
}

// The key from a 81/82/86 public key template's contents.
std::optional<Key> key_from_template(std::uint8_t alg, ByteView inner) {
  Key k;
  k.alg = alg;
  switch (alg) {
    case 0x06:
    case 0x07:
    case 0x05:
    case 0x16: {
      const auto n = wire::find_tlv(inner, 0x81), e = wire::find_tlv(inner, 0x82);
      if (!n || !e) return std::nullopt;
      k.type = KeyType::rsa;
      k.rsa.n.assign(n->begin(), n->end());
      k.rsa.e.assign(e->begin(), e->end());
      k.bits = alg == 0x06 ? 1024 : alg == 0x07 ? 2048 : alg == 0x05 ? 3072 : 4096;
      return k;
    }
    case 0x11:
    case 0x14: {
      const auto p = wire::find_tlv(inner, 0x86);
      k.type = KeyType::ec;
      k.bits = alg == 0x11 ? 256 : 384;
      if (!p || p->size() != 1 + 2 * (k.bits / 8)) return std::nullopt;
      k.point.assign(p->begin(), p->end());
      return k;
    }
  }
  return std::nullopt;  // Ed25519/X25519 and unknown ids: no minidriver container
}

// The key of a certificate's SubjectPublicKeyInfo, nullopt for one no container can hold.
std::optional<Key> key_from_certificate(Context& ctx, ByteView der) {
  const auto fields = wire::x509::parse_certificate(der);
  if (!fields) return std::nullopt;
  try {
    const PublicKey pk = ctx.crypto.import_public_der(fields->spki);
    Key k;
    k.type = pk.key_type();
    if (k.type != KeyType::rsa && k.type != KeyType::ec) return std::nullopt;
    if (k.type == KeyType::rsa) {
      k.rsa = ctx.crypto.rsa_public(pk);
      k.bits = pk.bits();
      k.alg = rsa_alg(k.bits);
    } else {
      const EcPublic e = ctx.crypto.ec_public(pk);
      if (e.curve == Curve::p521) return std::nullopt;  // PIV has no P-521
      k.bits = e.curve == Curve::p256 ? 256 : 384;
      k.alg = e.curve == Curve::p256 ? 0x11 : 0x14;
      k.point = e.point;
    }
    if (!k.alg) return std::nullopt;
    return k;
  } catch (const CryptoError&) {
    return std::nullopt;  // a key type the crypto provider does not know
  }
}

}  // namespace

std::optional<std::uint8_t> slot_of(std::size_t idx) {
  static constexpr std::uint8_t first[] = {0x9A, 0x9C, 0x9D, 0x9E};
  if (idx < 4) return first[idx];
  if (idx < container_count) return static_cast<std::uint8_t>(0x82 + (idx - 4));
  return std::nullopt;
}

std::uint32_t cert_object(std::uint8_t slot) {
  return wire::piv_cert_object(slot);
}

bool select(Context& ctx) {
  // OpenSC's 9-byte form: the card selects by prefix (docs/piv.md).
  Response r = ctx.card().transmit(
      command(0xA4, 0x04, 0x00, {0xA0, 0x00, 0x00, 0x03, 0x08, 0x00, 0x00, 0x10, 0x00}));
  if (r.sw != Sw::ok) return false;
  ctx.piv_algorithms.clear();
  const auto apt = wire::find_tlv(r.data, 0x61);
  if (!apt) return true;
  // AC may repeat; every 80 inside any of them names one algorithm.
  for (auto t : wire::parse_tlvs(*apt).value_or(std::vector<wire::Tlv>{})) {
    if (t.tag != 0xAC) continue;
    for (auto a : wire::parse_tlvs(t.value).value_or(std::vector<wire::Tlv>{}))
      if (a.tag == 0x80 && a.value.size() == 1) ctx.piv_algorithms.push_back(a.value[0]);
  }
  return true;
}

std::optional<Bytes> get_object(Context& ctx, std::uint32_t tag) {
  Response r = ctx.card().transmit(command(0xCB, 0x3F, 0xFF, wire::tlv(0x5C, tag_bytes(tag))));
  if (r.sw == Sw::file_not_found) return std::nullopt;
  if (r.sw != Sw::ok) fail(map_sw(r.sw));
  const auto v = wire::find_tlv(r.data, 0x53);
  if (!v) fail(SCARD_E_UNEXPECTED);
  return Bytes(v->begin(), v->end());
}

std::optional<Bytes> certificate(Context& ctx, std::uint8_t slot) {
  const auto obj = get_object(ctx, cert_object(slot));
  if (!obj) return std::nullopt;
  const auto cert = wire::find_tlv(*obj, 0x70);
  if (!cert || cert->empty()) return std::nullopt;
  const auto info = wire::find_tlv(*obj, 0x71);
  if (info && info->size() == 1 && ((*info)[0] & 0x01)) return gunzip(*cert);
  return Bytes(cert->begin(), cert->end());
}

std::optional<Key> container_key(Context& ctx, std::size_t idx) {
  const auto slot = slot_of(idx);
  if (!slot) return std::nullopt;
  std::optional<Key> key;
  // GET METADATA names the key actually in the slot (YubiKey 5.3+); cards without it (6D00,
  // 6A81, ...) are read through their certificates.
  Response r = ctx.card().transmit(command(0xF7, 0x00, *slot, {}));
  if (r.sw == Sw::ok) {
    const auto alg = wire::find_tlv(r.data, 0x01);
    const auto pub = wire::find_tlv(r.data, 0x04);
    if (alg && alg->size() == 1 && pub) key = key_from_template((*alg)[0], *pub);
  } else if (r.sw == Sw::reference_not_found || r.sw == Sw::file_not_found) {
    return std::nullopt;  // the card says the slot is empty
  } else {
    const auto cert = certificate(ctx, *slot);
    if (cert) key = key_from_certificate(ctx, *cert);
  }
  if (key) key->key_exchange = key_exchange_role(*slot, key->type);
  return key;
}

Bytes general_authenticate(Context& ctx, std::uint8_t alg, std::uint8_t slot,
                           std::uint8_t input_tag, ByteView input) {
  Bytes inner = {0x82, 0x00};
  wire::put_tlv(inner, input_tag, input);
  Response r = ctx.card().transmit(command(0x87, alg, slot, wire::tlv(0x7C, inner)));
  std::fill(inner.begin(), inner.end(), 0);
  if (r.sw != Sw::ok) fail(map_sw(r.sw));
  const auto t = wire::find_tlv(r.data, 0x7C);
  const auto out = t ? wire::find_tlv(*t, 0x82) : std::nullopt;
  if (!out) fail(SCARD_E_UNEXPECTED);
  Bytes result(out->begin(), out->end());
  std::fill(r.data.begin(), r.data.end(), 0);
  return result;
}

void verify_pin(Context& ctx, ByteView pin, PDWORD attempts) {
  if (pin.size() > 8) {
    // No PIV PIN is that long: wrong without spending a try. The tries left come from the
    // status query (63Cx), or, when the PIN is verified (9000: its counter is full), from GET
    // METADATA's 06 {max, left} where the card has it.
    const Sw sw = ctx.card().transmit(command(0x20, 0x00, pin_ref, {}, std::nullopt)).sw;
    if (sw == Sw::ok && attempts) {
      Response m = ctx.card().transmit(command(0xF7, 0x00, pin_ref, {}));
      const auto tries = m.sw == Sw::ok ? wire::find_tlv(m.data, 0x06) : std::nullopt;
      if (tries && tries->size() == 2) *attempts = (*tries)[1];
    } else {
      check_pin_answer(sw, attempts);
    }
    fail(SCARD_W_WRONG_CHV);
  }
  Bytes block(pin.begin(), pin.end());
  block.resize(8, 0xFF);
  Response r = ctx.card().transmit(command(0x20, 0x00, pin_ref, block, std::nullopt));
  std::fill(block.begin(), block.end(), 0);
  check_pin_answer(r.sw, attempts);
}

bool pin_verified(Context& ctx) {
  return ctx.card().transmit(command(0x20, 0x00, pin_ref, {}, std::nullopt)).sw == Sw::ok;
}

void logout(Context& ctx) {
  ctx.card().exchange(command(0x20, 0xFF, pin_ref, {}, std::nullopt));
}

void change_pin(Context& ctx, ByteView old_pin, ByteView new_pin, PDWORD attempts) {
  // The card checks the new value's length (6..8) itself and answers 6A80 for it.
  if (old_pin.size() > 8 || new_pin.size() > 8) fail(SCARD_E_INVALID_PARAMETER);
  Bytes data(old_pin.begin(), old_pin.end());
  data.resize(8, 0xFF);
  data.insert(data.end(), new_pin.begin(), new_pin.end());
  data.resize(16, 0xFF);
  Response r = ctx.card().transmit(command(0x24, 0x00, pin_ref, data, std::nullopt));
  std::fill(data.begin(), data.end(), 0);
  if (r.sw == Sw::wrong_data) fail(SCARD_E_INVALID_PARAMETER);
  check_pin_answer(r.sw, attempts);
}

}  // namespace softcard::md::piv
