// Persistent record formats and the small pure data structures of the GIDS card.
#include <cstdio>
#include <cstring>

#include "applets/gids/gids_internal.h"
#include "fs/tlv.h"
#include "softcard/errors.h"

namespace softcard::gids {

namespace {
constexpr std::uint8_t record_version = 1;

std::string hex4(unsigned v) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04x", v & 0xFFFF);
  return buf;
}

unsigned get_u16le(ByteView b, std::size_t at) {
  return b[at] | (unsigned(b[at + 1]) << 8);
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
  put_u16be(out, static_cast<unsigned>(ef.fcp.size()));
  append(out, ef.fcp);
  out.push_back(static_cast<std::uint8_t>(ef.key_kind));
  out.push_back(static_cast<std::uint8_t>(ef.sym_alg));
  put_u16be(out, static_cast<unsigned>(ef.key.size()));
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
  const auto top = fs::parse_tlvs(fcp);
  if (!top || top->size() != 1 || (*top)[0].tag != 0x62) throw CardError(Sw::wrong_data);
  const auto items = fs::parse_tlvs((*top)[0].value);
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
  if (key.key_type() == KeyType::rsa) {
    switch (key.bits()) {
      case 1024:
        return 0x06;
      case 2048:
        return 0x07;
      case 3072:
        return 0x08;
      case 4096:
        return 0x09;
      default:
        return std::nullopt;
    }
  }
  switch (key.curve()) {
    case Curve::p256:
      return 0x0C;
    case Curve::p384:
      return 0x0D;
    case Curve::p521:
      return 0x0E;
  }
  return std::nullopt;
}

std::optional<AlgInfo> alg_info(std::uint8_t algid) {
  switch (algid) {
    case 0x06:
      return AlgInfo{KeyType::rsa, 1024, Curve::p256};
    case 0x07:
      return AlgInfo{KeyType::rsa, 2048, Curve::p256};
    case 0x08:
      return AlgInfo{KeyType::rsa, 3072, Curve::p256};
    case 0x09:
      return AlgInfo{KeyType::rsa, 4096, Curve::p256};
    case 0x0C:
      return AlgInfo{KeyType::ec, 0, Curve::p256};
    case 0x0D:
      return AlgInfo{KeyType::ec, 0, Curve::p384};
    case 0x0E:
      return AlgInfo{KeyType::ec, 0, Curve::p521};
    default:
      return std::nullopt;  // 0A/0B (P-192/P-224) are not offered
  }
}

namespace {
constexpr std::size_t mf_record_size = 28;

std::string fixed_string(ByteView b) {
  std::string s;
  for (auto c : b) {
    if (c == 0) break;
    s.push_back(static_cast<char>(c));
  }
  return s;
}
}  // namespace

std::vector<MasterFileEntry> decode_masterfile(ByteView d) {
  if (d.empty() || d[0] != 0x01 || (d.size() - 1) % mf_record_size != 0)
    throw CardError(Sw::wrong_data);
  std::vector<MasterFileEntry> out;
  for (std::size_t at = 1; at < d.size(); at += mf_record_size) {
    MasterFileEntry e;
    e.dir = fixed_string(d.subspan(at, 9));
    e.name = fixed_string(d.subspan(at + 9, 9));
    e.tag = static_cast<std::uint16_t>(get_u16le(d, at + 20));
    e.ef = static_cast<std::uint16_t>(get_u16le(d, at + 24));
    out.push_back(std::move(e));
  }
  return out;
}

Bytes encode_masterfile(const std::vector<MasterFileEntry>& entries) {
  Bytes out{0x01};
  for (const auto& e : entries) {
    Bytes rec(mf_record_size, 0);
    std::memcpy(rec.data(), e.dir.data(), std::min<std::size_t>(e.dir.size(), 8));
    std::memcpy(rec.data() + 9, e.name.data(), std::min<std::size_t>(e.name.size(), 8));
    rec[20] = static_cast<std::uint8_t>(e.tag);
    rec[21] = static_cast<std::uint8_t>(e.tag >> 8);
    rec[24] = static_cast<std::uint8_t>(e.ef);
    rec[25] = static_cast<std::uint8_t>(e.ef >> 8);
    append(out, rec);
  }
  return out;
}

Bytes initial_masterfile() {
  return encode_masterfile({{"mscp", "", 0, 0xA000},
                            {"", "cardid", cardid_do, cardid_ef},
                            {"", "cardapps", cardapps_do, cardapps_ef},
                            {"", "cardcf", cardcf_do, cardcf_ef},
                            {"mscp", "cmapfile", cmapfile_do, cmapfile_ef}});
}

Bytes encode_cmapfile(const std::vector<ContainerRecord>& records) {
  Bytes out;
  out.reserve(records.size() * container_record_size);
  for (const auto& r : records) {
    Bytes rec(container_record_size, 0);
    for (std::size_t i = 0; i < r.guid.size() && i < 39; ++i) {
      rec[2 * i] = static_cast<std::uint8_t>(r.guid[i]);
      rec[2 * i + 1] = static_cast<std::uint8_t>(r.guid[i] >> 8);
    }
    rec[80] = r.flags;
    rec[82] = static_cast<std::uint8_t>(r.sig_key_bits);
    rec[83] = static_cast<std::uint8_t>(r.sig_key_bits >> 8);
    rec[84] = static_cast<std::uint8_t>(r.kx_key_bits);
    rec[85] = static_cast<std::uint8_t>(r.kx_key_bits >> 8);
    append(out, rec);
  }
  return out;
}

std::vector<ContainerRecord> decode_cmapfile(ByteView d) {
  if (d.size() % container_record_size != 0) throw CardError(Sw::wrong_data);
  std::vector<ContainerRecord> out;
  for (std::size_t at = 0; at < d.size(); at += container_record_size) {
    ContainerRecord r;
    for (std::size_t i = 0; i < 40; ++i) {
      const char16_t c = static_cast<char16_t>(get_u16le(d, at + 2 * i));
      if (c == 0) break;
      r.guid.push_back(c);
    }
    r.flags = d[at + 80];
    r.sig_key_bits = static_cast<std::uint16_t>(get_u16le(d, at + 82));
    r.kx_key_bits = static_cast<std::uint16_t>(get_u16le(d, at + 84));
    out.push_back(std::move(r));
  }
  return out;
}

}  // namespace softcard::gids
