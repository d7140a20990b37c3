#include <algorithm>

#include "softcard/wire/endian.h"
#include "softcard/wire/gids.h"

namespace softcard::wire::gids {

std::optional<std::uint8_t> algid_for(KeyAlg alg) {
  if (alg.ec) {
    switch (alg.bits) {
      case 256:
        return algid::ec_p256;
      case 384:
        return algid::ec_p384;
      case 521:
        return algid::ec_p521;
    }
    return std::nullopt;
  }
  switch (alg.bits) {
    case 1024:
      return algid::rsa1024;
    case 2048:
      return algid::rsa2048;
    case 3072:
      return algid::rsa3072;
    case 4096:
      return algid::rsa4096;
  }
  return std::nullopt;
}

std::optional<KeyAlg> key_alg(std::uint8_t id) {
  switch (id) {
    case algid::rsa1024:
      return KeyAlg{false, 1024};
    case algid::rsa2048:
      return KeyAlg{false, 2048};
    case algid::rsa3072:
      return KeyAlg{false, 3072};
    case algid::rsa4096:
      return KeyAlg{false, 4096};
    case algid::ec_p256:
      return KeyAlg{true, 256};
    case algid::ec_p384:
      return KeyAlg{true, 384};
    case algid::ec_p521:
      return KeyAlg{true, 521};
  }
  return std::nullopt;
}

Bytes encode_container_record(const ContainerRecord& r) {
  Bytes rec;
  rec.reserve(container_record_size);
  for (std::size_t i = 0; i < 40; ++i)
    put_u16le(rec, i < r.guid.size() && i < 39 ? static_cast<std::uint16_t>(r.guid[i]) : 0);
  rec.push_back(r.flags);
  rec.push_back(0);
  put_u16le(rec, r.sig_key_bits);
  put_u16le(rec, r.kx_key_bits);
  return rec;
}

ContainerRecord decode_container_record(ByteView d) {
  ContainerRecord r;
  for (std::size_t i = 0; i < 40; ++i) {
    const auto c = static_cast<char16_t>(get_u16le(d, 2 * i));
    if (c == 0) break;
    r.guid.push_back(c);
  }
  r.flags = d[80];
  r.sig_key_bits = get_u16le(d, 82);
  r.kx_key_bits = get_u16le(d, 84);
  return r;
}

Bytes encode_cmapfile(const std::vector<ContainerRecord>& records) {
  Bytes out;
  out.reserve(records.size() * container_record_size);
  for (const auto& r : records) append(out, encode_container_record(r));
  return out;
}

std::optional<std::vector<ContainerRecord>> decode_cmapfile(ByteView d) {
  if (d.size() % container_record_size != 0) return std::nullopt;
  std::vector<ContainerRecord> out;
  for (std::size_t at = 0; at < d.size(); at += container_record_size)
    out.push_back(decode_container_record(d.subspan(at, container_record_size)));
  return out;
}

std::optional<ContainerRecord> container_record_at(ByteView cmapfile, std::size_t index) {
  if ((index + 1) * container_record_size > cmapfile.size()) return std::nullopt;
  return decode_container_record(
      cmapfile.subspan(index * container_record_size, container_record_size));
}

void put_container_record(Bytes& cmapfile, std::size_t index, const ContainerRecord& r) {
  const std::size_t at = index * container_record_size;
  if (cmapfile.size() < at + container_record_size) cmapfile.resize(at + container_record_size, 0);
  const Bytes rec = encode_container_record(r);
  std::copy(rec.begin(), rec.end(), cmapfile.begin() + static_cast<std::ptrdiff_t>(at));
}

void clear_container_record(Bytes& cmapfile, std::size_t index) {
  const std::size_t at = index * container_record_size;
  if (cmapfile.size() < at + container_record_size) return;
  std::fill_n(cmapfile.begin() + static_cast<std::ptrdiff_t>(at), container_record_size, 0);
}

std::u16string container_guid(ByteView r) {
  static const char* hex = "0123456789ABCDEF";
  std::u16string s = u"{";
  for (std::size_t i = 0; i < 16 && i < r.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s.push_back(u'-');
    s.push_back(static_cast<char16_t>(hex[r[i] >> 4]));
    s.push_back(static_cast<char16_t>(hex[r[i] & 15]));
  }
  s.push_back(u'}');
  return s;
}

Bytes encode_keymap_record(const KeyMapRecord& r) {
  return {
      0x01,      0x00, 0x00, 0x00, r.algid, static_cast<std::uint8_t>(r.key_exchange ? 0x9A : 0x9C),
      r.key_ref, 0xB0, 0xFF, 0xFF, 0x00,    0x00};
}

void ensure_keymap(Bytes& keymap, std::size_t records) {
  if (keymap.empty()) keymap.push_back(keymap_version);
  const std::size_t want = 1 + records * keymap_record_size;
  if (keymap.size() < want) keymap.resize(want, 0);
}

void put_keymap_record(Bytes& keymap, std::size_t index, const KeyMapRecord& r) {
  ensure_keymap(keymap, index + 1);
  const Bytes rec = encode_keymap_record(r);
  std::copy(rec.begin(), rec.end(),
            keymap.begin() + static_cast<std::ptrdiff_t>(1 + index * keymap_record_size));
}

void clear_keymap_record(Bytes& keymap, std::size_t index) {
  const std::size_t at = 1 + index * keymap_record_size;
  if (keymap.size() < at + keymap_record_size) return;
  std::fill_n(keymap.begin() + static_cast<std::ptrdiff_t>(at), keymap_record_size, 0);
}

namespace {
std::string fixed_string(ByteView b) {
  std::string s;
  for (auto c : b) {
    if (c == 0) break;
    s.push_back(static_cast<char>(c));
  }
  return s;
}
void put_fixed_string(Bytes& out, const std::string& s, std::size_t field) {
  const std::size_t n = std::min<std::size_t>(s.size(), field - 1);
  out.insert(out.end(), s.begin(), s.begin() + static_cast<std::ptrdiff_t>(n));
  out.resize(out.size() + field - n, 0);
}
}  // namespace

Bytes encode_masterfile(const std::vector<MasterFileEntry>& entries) {
  Bytes out{0x01};
  for (const auto& e : entries) {
    put_fixed_string(out, e.dir, 9);
    put_fixed_string(out, e.name, 9);
    out.push_back(0), out.push_back(0);
    put_u32le(out, e.tag);
    put_u32le(out, e.ef);
  }
  return out;
}

std::optional<std::vector<MasterFileEntry>> decode_masterfile(ByteView d) {
  if (d.empty() || d[0] != 0x01 || (d.size() - 1) % masterfile_record_size != 0)
    return std::nullopt;
  std::vector<MasterFileEntry> out;
  for (std::size_t at = 1; at < d.size(); at += masterfile_record_size) {
    MasterFileEntry e;
    e.dir = fixed_string(d.subspan(at, 9));
    e.name = fixed_string(d.subspan(at + 9, 9));
    e.tag = get_u16le(d, at + 20);
    e.ef = get_u16le(d, at + 24);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace softcard::wire::gids
