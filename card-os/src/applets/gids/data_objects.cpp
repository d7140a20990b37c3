// GET DATA (CB) / PUT DATA (DB): BER-TLV DOs inside the ACL EFs, PIN status DOs, public key
// read and key import on the application (3FFF), EF.ATR (2F01).
#include "applets/gids/gids_session.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard::gids {

namespace {
constexpr std::size_t max_do_size = 65000;  // OpenSC's MAX_GIDS_FILE_SIZE

std::vector<wire::Tlv> tlvs_or_throw(ByteView data) {
  auto t = wire::parse_tlvs(data);
  if (!t) throw CardError(Sw::wrong_data);
  return std::move(*t);
}

unsigned tag_from(ByteView v) {
  if (v.size() == 1) return v[0];
  if (v.size() == 2) return get_u16be(v, 0);
  throw CardError(Sw::wrong_data);
}

const wire::Tlv* find(const std::vector<wire::Tlv>& tlvs, unsigned tag) {
  for (const auto& t : tlvs)
    if (t.tag == tag) return &t;
  return nullptr;
}

// EF.ATR: card service data (43), card capabilities (47: command chaining), pre-issuing data
// (46: "softcard").
Bytes ef_atr() {
  Bytes out = {0x43, 0x01, 0xF4, 0x47, 0x03, 0x08, 0x01, 0x80, 0x46, 0x08};
  append(out, view(std::string_view("softcard")));
  return out;
}

// The BER-TLV EF a GET/PUT DATA names (P1P2, or 0000 for the current EF), once the access rule
// for `op` allows it; the checks in this order: 6985 no current EF, 6A82 no such EF, 6981 not a
// BER-TLV EF, then the ACL.
EfRecord data_object_ef(const GidsSession& s, const ObjectStore& store, std::uint16_t p1p2,
                        std::uint8_t op) {
  std::uint16_t fid = p1p2;
  if (p1p2 == 0x0000) {
    if (!s.current_ef) throw CardError(Sw::conditions_not_satisfied);
    fid = *s.current_ef;
  }
  EfRecord ef = get_ef(store, fid);
  if (ef.type != ef_type_bertlv) throw CardError(Sw::incompatible_file_structure);
  check_ef(s, store, ef, op);
  return ef;
}

Response pin_status_do(const GidsSession& s, const ObjectStore& store, unsigned tag);
Response read_public_key(GidsSession& s, const Command& cmd, CardContext& ctx);
Response import_key(GidsSession& s, ByteView data, CardContext& ctx);
}  // namespace

Response get_data(GidsSession& s, const Command& cmd, CardContext& ctx) {
  const ObjectStore& store = ctx.store();
  const std::uint16_t p1p2 = cmd.p1p2();
  if (p1p2 == 0x2F01) {
    if (cmd.data.size() == 2 && cmd.data[0] == 0x5C && cmd.data[1] == 0x00) return ef_atr();
    throw CardError(Sw::wrong_data);
  }
  const auto tlvs = tlvs_or_throw(cmd.data);
  if (p1p2 == app_fid) {
    if (tlvs.size() == 1 && tlvs[0].tag == 0x5C)
      return pin_status_do(s, store, tag_from(tlvs[0].value));
    if (tlvs.size() == 1 && tlvs[0].tag == 0x70) return read_public_key(s, cmd, ctx);
    throw CardError(Sw::wrong_data);
  }
  const EfRecord ef = data_object_ef(s, store, p1p2, op_ef_read);
  const std::uint16_t fid = ef.fid;
  if (tlvs.size() != 1 || tlvs[0].tag != 0x5C) throw CardError(Sw::wrong_data);
  if (tlvs[0].value.empty()) {
    // 5C 00: every DO of the EF.
    Bytes all;
    for (const auto& key : store.keys(do_prefix(fid))) {
      const unsigned tag =
          static_cast<unsigned>(std::stoul(key.substr(key.size() - 4), nullptr, 16));
      wire::put_tlv(all, tag, *get_do(store, fid, tag));
    }
    return all;
  }
  const unsigned tag = tag_from(tlvs[0].value);
  const auto value = get_do(store, fid, tag);
  if (!value) throw CardError(Sw::reference_not_found);
  Bytes out;
  wire::put_tlv(out, tag, *value);
  return out;
}

namespace {
Response pin_status_do(const GidsSession& s, const ObjectStore& store, unsigned tag) {
  std::uint8_t ref;
  switch (tag) {
    case 0x7F71:
    case 0x7F72:
      ref = user_pin_reference;
      break;
    case 0x7F73:
      ref = puk_reference;
      break;
    default:
      throw CardError(Sw::wrong_data);
  }
  const auto pin = s.pins.find(store, ref);
  if (!pin) throw CardError(Sw::reference_not_found);
  const Bytes inner = {0x97, 0x01, pin->tries_left, 0x93, 0x01, pin->max_tries};
  Bytes out;
  wire::put_tlv(out, tag, inner);
  return out;
}

Response read_public_key(GidsSession& s, const Command& cmd, CardContext& ctx) {
  // 70 { 84 01 kid, A5 { 7F49 80 } }: only the public part can be asked for.
  const auto outer = tlvs_or_throw(cmd.data);
  const auto inner = tlvs_or_throw(outer[0].value);
  const wire::Tlv* kid = find(inner, 0x84);
  if (!kid || kid->value.size() != 1) throw CardError(Sw::wrong_data);
  if (const wire::Tlv* tmpl = find(inner, 0xA5)) {
    // The template names what to return: only 7F49 (public key) exists.
    if (tmpl->value.size() < 2 || tmpl->value[0] != 0x7F || tmpl->value[1] != 0x49)
      throw CardError(Sw::wrong_data);
  }
  const auto ef = find_ef(ctx.store(), static_cast<std::uint16_t>(0xB000 | kid->value[0]));
  if (!ef || ef->type != ef_type_key) throw CardError(Sw::reference_not_found);
  check_ef(s, ctx.store(), *ef, op_key_read_public);
  if (ef->key_kind != KeyKind::asymmetric) throw CardError(Sw::reference_not_found);
  return public_key_template(ctx.crypto(), private_key(s, ctx, *ef));
}

}  // namespace

Response put_data(GidsSession& s, const Command& cmd, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  const std::uint16_t p1p2 = cmd.p1p2();
  if (cmd.data.empty()) throw CardError(Sw::wrong_data);
  const auto tlvs = tlvs_or_throw(cmd.data);
  if (tlvs.empty()) throw CardError(Sw::wrong_data);
  if (p1p2 == app_fid) {
    if (tlvs.size() != 1 || tlvs[0].tag != 0x70) throw CardError(Sw::wrong_data);
    return import_key(s, tlvs[0].value, ctx);
  }
  const EfRecord ef = data_object_ef(s, store, p1p2, op_ef_update);
  const std::uint16_t fid = ef.fid;
  for (const auto& t : tlvs) {
    if (t.value.size() > max_do_size) throw CardError(Sw::not_enough_memory);
    const auto old = get_do(store, fid, t.tag);
    if (t.value.empty() && old && old->empty()) {
      // An empty PUT over an empty DO removes it (an empty PUT over data empties it, as
      // GidsApplet does: hosts write empty cmapfiles they read back later).
      store.erase(do_key(fid, t.tag));
      continue;
    }
    put_do(store, fid, t.tag, t.value);
  }
  return Sw::ok;
}

namespace {
Response import_key(GidsSession& s, ByteView data, CardContext& ctx) {
  ObjectStore& store = ctx.store();
  // 84 01 kid, A5 { 83 01 type, 84 01 encrypting-key-ref, 87 L key, [88 ...] }
  const auto tlvs = tlvs_or_throw(data);
  const wire::Tlv* kid = find(tlvs, 0x84);
  const wire::Tlv* tmpl = find(tlvs, 0xA5);
  if (!kid || kid->value.size() != 1 || !tmpl) throw CardError(Sw::wrong_data);
  const auto fields = tlvs_or_throw(tmpl->value);
  const wire::Tlv* type = find(fields, 0x83);
  const wire::Tlv* enc = find(fields, 0x84);
  const wire::Tlv* value = find(fields, 0x87);
  if (!value || value->value.empty()) throw CardError(Sw::wrong_data);
  if ((type && type->value.size() != 1) || (enc && enc->value.size() != 1))
    throw CardError(Sw::wrong_data);
  // Encrypted import (a non-zero encrypting key reference) is not a plaintext import.
  if (enc && enc->value[0] != 0x00) throw CardError(Sw::function_not_supported);
  const std::uint8_t key_type = type ? type->value[0] : 0x01;

  EfRecord ef = get_ef(store, static_cast<std::uint16_t>(0xB000 | kid->value[0]));
  if (ef.type != ef_type_key) throw CardError(Sw::incompatible_file_structure);
  check_ef(s, store, ef, op_key_put);
  // An establishment key is only ever generated on the card: a key the host knows would open
  // every session key sent through it (docs/ski.md §13).
  if (is_establishment_key_file(ef)) throw CardError(Sw::conditions_not_satisfied);

  if (key_type == 0x01) {
    // Symmetric (admin) key. The key file's A4 CRT says which cipher: 80 01 02 = 3DES (as
    // every host writes it), 80 01 04 = AES (our choice; the GIDS table is not public).
    SymAlg alg = SymAlg::tdes;
    if (auto f = wire::parse_tlvs(ef.fcp); f && !f->empty()) {
      if (auto top = wire::parse_tlvs((*f)[0].value)) {
        if (const wire::Tlv* a5 = find(*top, 0xA5)) {
          if (auto crts = wire::parse_tlvs(a5->value)) {
            for (const auto& crt : *crts) {
              if (crt.tag != 0xA4) continue;
              if (auto items = wire::parse_tlvs(crt.value))
                if (const wire::Tlv* alg_ref = find(*items, 0x80);
                    alg_ref && alg_ref->value.size() == 1)
                  if (alg_ref->value[0] == 0x04) alg = SymAlg::aes;
            }
          }
        }
      }
    }
    const std::size_t n = value->value.size();
    const bool ok = alg == SymAlg::tdes ? (n == 16 || n == 24) : (n == 16 || n == 24 || n == 32);
    if (!ok) throw CardError(Sw::wrong_data);
    ef.key_kind = KeyKind::symmetric;
    ef.sym_alg = alg;
    ef.key = SecretBytes(value->value);
  } else if (key_type == 0x02) {
    try {
      KeyPair key = ctx.crypto().import_rsa_pkcs1_private(value->value);
      if (!algid_for(key)) throw CardError(Sw::wrong_data);
      ef.key = ctx.crypto().export_private(key);
    } catch (const CryptoError&) {
      throw CardError(Sw::wrong_data);
    }
    ef.key_kind = KeyKind::asymmetric;
  } else {
    throw CardError(Sw::wrong_data);
  }
  put_ef(store, ef);
  s.key_cache.erase(ef.fid);
  return Sw::ok;
}

}  // namespace

}  // namespace softcard::gids
