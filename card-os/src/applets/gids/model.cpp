// Persistent record formats and the small pure data structures of the GIDS card.
#include <cstdio>

#include "applets/gids/gids_internal.h"
#include "softcard/errors.h"
#include "softcard/wire/tlv.h"

namespace softcard::gids {

namespace {
constexpr std::uint8_t record_version = 1;

std::string hex4(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", v & 0xFFFF);
  return buf;
}
}  // namespace

std::string ef_prefix() {
  return "gids/ef/";
}
std::string ef_key(std::uint16_t fid) {
  return ef_prefix() + hex4(fid);
}
std::string do_prefix(std::uint16_t ef) {
  return "gids/do/" + hex4(ef) + "/";
}
std::string do_key(std::uint16_t ef, unsigned tag) {
  return do_prefix(ef) + hex4(tag);
}

Bytes encode_app_state(AppState s) {
  return {record_version, static_cast<std::uint8_t>(s)};
}

AppState decode_app_state(ByteView b) {
  if (b.size() != 2 || b[0] != record_version) throw ImageError("gids/app: unknown record format");
  switch (b[1]) {
    case 0x01:
      return AppState::creation;
    case 0x05:
      return AppState::operational;
    case 0x0C:
      return AppState::terminated;
    default:
      throw ImageError("gids/app: unknown life cycle state");
  }
}

// version | fid(2) | type | lcs | fcp_len(2) | fcp | key_kind | sym_alg | key_len(2) | key
Bytes encode_ef(const EfRecord& ef) {
  Bytes out;
  out.reserve(12 + ef.fcp.size() + ef.key.size());
  out.push_back(record_version);
  put_u16be(out, ef.fid);
  out.push_back(ef.type);
  out.push_back(ef.lcs);
  put_u16be(out, static_cast<std::uint16_t>(ef.fcp.size()));
  append(out, ef.fcp);
  out.push_back(static_cast<std::uint8_t>(ef.key_kind));
  out.push_back(static_cast<std::uint8_t>(ef.sym_alg));
  put_u16be(out, static_cast<std::uint16_t>(ef.key.size()));
  append(out, ef.key.view());
  return out;
}

EfRecord decode_ef(ByteView d) {
  auto fail = [] { return ImageError("gids: malformed EF record"); };
  if (d.size() < 7 || d[0] != record_version) throw fail();
  EfRecord ef;
  ef.fid = static_cast<std::uint16_t>(get_u16be(d, 1));
  ef.type = d[3];
  ef.lcs = d[4];
  const std::size_t fcp_len = get_u16be(d, 5);
  std::size_t at = 7;
  if (d.size() < at + fcp_len + 4) throw fail();
  ef.fcp.assign(d.begin() + at, d.begin() + static_cast<std::ptrdiff_t>(at + fcp_len));
  at += fcp_len;
  if (d[at] > 2 || d[at + 1] > 1) throw fail();
  ef.key_kind = static_cast<KeyKind>(d[at]);
  ef.sym_alg = static_cast<SymAlg>(d[at + 1]);
  const std::size_t key_len = get_u16be(d, at + 2);
  at += 4;
  if (d.size() != at + key_len) throw fail();
  ef.key = SecretBytes(d.subspan(at, key_len));
  return ef;
}

security::CompactAcl compact_acl_of(ByteView fcp) {
  const auto top = wire::parse_tlvs(fcp);
  if (!top || top->size() != 1 || (*top)[0].tag != 0x62) throw CardError(Sw::wrong_data);
  const auto items = wire::parse_tlvs((*top)[0].value);
  if (!items) throw CardError(Sw::wrong_data);
  for (const auto& item : *items)
    if (item.tag == 0x8C) return security::parse_compact_acl(item.value);
  return {};
}

const Bytes& app_fcp() {
  static const Bytes fcp = {0x62, 0x08, 0x82, 0x01, 0x38, 0x8C, 0x03, 0x03, 0x30, 0x30};
  return fcp;
}

std::optional<std::uint8_t> algid_for(const KeyPair& key) {
  if (key.key_type() == KeyType::rsa) return wire::gids::algid_for({false, key.bits()});
  return wire::gids::algid_for({true, curve_bits(key.curve())});
}

std::optional<AlgInfo> alg_info(std::uint8_t algid) {
  const auto alg = wire::gids::key_alg(algid);
  if (!alg) return std::nullopt;
  if (!alg->ec) return AlgInfo{KeyType::rsa, alg->bits, Curve::p256};
  switch (alg->bits) {
    case 256:
      return AlgInfo{KeyType::ec, 0, Curve::p256};
    case 384:
      return AlgInfo{KeyType::ec, 0, Curve::p384};
    default:
      return AlgInfo{KeyType::ec, 0, Curve::p521};
  }
}

std::vector<MasterFileEntry> decode_masterfile(ByteView d) {
  auto entries = wire::gids::decode_masterfile(d);
  if (!entries) throw CardError(Sw::wrong_data);
  return std::move(*entries);
}

Bytes initial_masterfile() {
  return encode_masterfile({{"mscp", "", 0, 0xA000},
                            {"", "cardid", cardid_do, cardid_ef},
                            {"", "cardapps", cardapps_do, cardapps_ef},
                            {"", "cardcf", cardcf_do, cardcf_ef},
                            {"mscp", "cmapfile", cmapfile_do, cmapfile_ef}});
}

std::vector<ContainerRecord> decode_cmapfile(ByteView d) {
  auto records = wire::gids::decode_cmapfile(d);
  if (!records) throw CardError(Sw::wrong_data);
  return std::move(*records);
}

}  // namespace softcard::gids
