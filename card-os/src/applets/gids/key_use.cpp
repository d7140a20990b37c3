// The one decision whether a private key may be used: the key file's life cycle and compact
// ACL, and its key usage (the CRTs its FCP lists). GIDS MSE/PSO and the GidsApi key calls the
// SKI extension makes both come here (docs/gids.md, "Key use"). A key file listing an A6 CRT
// holds an SKI establishment key: it serves key establishment and nothing else, because a plain
// decipher/ECDH would hand the host the session key the server sends through it (docs/ski.md §13).
#include "applets/gids/gids_session.h"
#include "fs/tlv.h"
#include "softcard/errors.h"

namespace softcard::gids {

namespace {
const fs::Tlv* find(const std::vector<fs::Tlv>& tlvs, unsigned tag) {
  for (const auto& t : tlvs)
    if (t.tag == tag) return &t;
  return nullptr;
}

// Mechanisms the key file's FCP lists in CRTs of type `crt_tag` (B6 sign, B8 decipher).
// nullopt: the FCP carries no CRT of that type.
std::optional<std::vector<std::uint8_t>> listed_mechanisms(const Bytes& fcp, unsigned crt_tag) {
  const auto top = fs::parse_tlvs(fcp);
  if (!top || top->empty()) return std::nullopt;
  const auto items = fs::parse_tlvs((*top)[0].value);
  if (!items) return std::nullopt;
  const fs::Tlv* a5 = find(*items, 0xA5);
  if (!a5) return std::nullopt;
  const auto crts = fs::parse_tlvs(a5->value);
  if (!crts) return std::nullopt;
  std::vector<std::uint8_t> out;
  bool any = false;
  for (const auto& crt : *crts) {
    if (crt.tag != crt_tag) continue;
    any = true;
    if (auto f = fs::parse_tlvs(crt.value))
      if (const fs::Tlv* alg = find(*f, 0x80); alg && alg->value.size() == 1)
        out.push_back(alg->value[0]);
  }
  if (!any) return std::nullopt;
  return out;
}
}  // namespace

EfRecord usable_key_file(const GidsSession& s, const ObjectStore& store, std::uint8_t kid) {
  auto ef = find_ef(store, key_fid(kid));
  if (!ef || ef->type != ef_type_key) throw CardError(Sw::reference_not_found);
  check_ef(s, store, *ef, op_key_mse);
  if (ef->key_kind != KeyKind::asymmetric) throw CardError(Sw::reference_not_found);
  return std::move(*ef);
}

bool is_establishment_key_file(const EfRecord& ef) {
  return listed_mechanisms(ef.fcp, establishment_crt).has_value();
}

void check_key_usage(const EfRecord& ef, KeyUsage usage, std::uint8_t mechanism) {
  const bool establishment = is_establishment_key_file(ef);
  if (usage == KeyUsage::establish) {
    if (!establishment) throw CardError(Sw::reference_data_not_usable);
    return;
  }
  if (establishment) throw CardError(Sw::reference_data_not_usable);
  const bool sign = usage == KeyUsage::sign;
  if (auto listed = listed_mechanisms(ef.fcp, sign ? 0xB6 : 0xB8)) {
    for (auto m : *listed)
      if (m == mechanism) return;
    throw CardError(Sw::reference_data_not_usable);
  }
  // A signature-only key file (B6 CRTs, no B8) is no decipher or key agreement key.
  if (!sign && listed_mechanisms(ef.fcp, 0xB6)) throw CardError(Sw::reference_data_not_usable);
}

Bytes establishment_key_file_fcp(std::uint8_t kid, std::uint8_t algid) {
  // Use needs the user PIN (SKI checks it first anyway); nobody may put or regenerate the key,
  // so the key the provisioning published stays the card's key until the file is deleted.
  Bytes crt;
  fs::put_tlv(crt, establishment_crt, Bytes{0x80, 0x01, algid, 0x83, 0x01, kid, 0x95, 0x01, 0x80});
  Bytes inner = {0x82, 0x01, ef_type_key, 0x83, 0x02, 0xB0, kid,
                 0x8C, 0x05, 0x8F,        0xFF, 0x10, 0xFF, 0x00};
  fs::put_tlv(inner, 0xA5, crt);
  Bytes out;
  fs::put_tlv(out, 0x62, inner);
  return out;
}

Bytes key_file_fcp(std::uint8_t kid, std::uint8_t algid, KeySpec spec, bool pin) {
  const std::uint8_t c = pin ? 0x10 : 0x00;
  Bytes crts;
  auto crt = [&](unsigned tag, std::uint8_t mech) {
    const Bytes v = {0x80, 0x01, mech, 0x83, 0x01, kid, 0x95, 0x01, 0x40};
    fs::put_tlv(crts, tag, v);
  };
  if (spec == KeySpec::key_exchange) {
    crt(0xB8, algid);
    crt(0xB8, static_cast<std::uint8_t>(0x80 | algid));
    crt(0xB8, static_cast<std::uint8_t>(0x40 | algid));
  }
  crt(0xB6, static_cast<std::uint8_t>(0x10 | algid));
  crt(0xB6, static_cast<std::uint8_t>(0x50 | algid));
  Bytes inner = {0x82, 0x01, ef_type_key, 0x83, 0x02, 0xB0, kid, 0x8C, 0x05, 0x8F, c, c, c, 0x00};
  fs::put_tlv(inner, 0xA5, crts);
  Bytes out;
  fs::put_tlv(out, 0x62, inner);
  return out;
}

}  // namespace softcard::gids
