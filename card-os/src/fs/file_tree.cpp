#include "fs/file_tree.h"

#include <algorithm>
#include <cstdio>

#include "softcard/errors.h"

namespace softcard::fs {
namespace {

constexpr std::uint8_t record_version = 1;

bool valid_lcs(std::uint8_t b) {
  return b == 0x01 || b == 0x03 || b == 0x04 || b == 0x05 || b == 0x0C;
}

void put_condition(Bytes& out, const security::AccessCondition& c) {
  out.push_back(static_cast<std::uint8_t>(c.alternatives().size()));
  for (const auto& alt : c.alternatives()) {
    out.push_back(static_cast<std::uint8_t>(alt.kind));
    out.push_back(alt.reference);
  }
}

void append_fid(std::string& key, std::uint16_t fid) {
  static constexpr char hex[] = "0123456789abcdef";
  for (int shift = 12; shift >= 0; shift -= 4) key.push_back(hex[(fid >> shift) & 0xF]);
}

// Parses "3f00/5000" (the part of a key after the prefix).
std::optional<Path> parse_key_path(std::string_view s) {
  Path p;
  while (!s.empty()) {
    if (s.size() < 4) return std::nullopt;
    unsigned v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = s[i];
      v <<= 4;
      if (c >= '0' && c <= '9')
        v |= unsigned(c - '0');
      else if (c >= 'a' && c <= 'f')
        v |= unsigned(c - 'a' + 10);
      else
        return std::nullopt;
    }
    p.push_back(static_cast<std::uint16_t>(v));
    s.remove_prefix(4);
    if (!s.empty()) {
      if (s[0] != '/') return std::nullopt;
      s.remove_prefix(1);
    }
  }
  if (p.empty()) return std::nullopt;
  return p;
}

}  // namespace

Bytes encode_file_record(const FileHeader& h, ByteView content) {
  Bytes out;
  out.reserve(32 + h.df_name.size() + content.size());
  out.push_back(record_version);
  out.push_back(static_cast<std::uint8_t>(h.type));
  put_u16be(out, h.fid);
  out.push_back(static_cast<std::uint8_t>(h.life_cycle));
  put_u16be(out, h.size);
  out.push_back(static_cast<std::uint8_t>(h.df_name.size()));
  append(out, h.df_name);
  for (const auto& c : h.rules.by_op) put_condition(out, c);
  append(out, content);
  return out;
}

FileHeader decode_file_record(ByteView r, ByteView* content) {
  const auto bad = [](const char* why) -> ImageError {
    return ImageError(std::string("file record malformed: ") + why);
  };
  if (r.size() < 8) throw bad("truncated");
  if (r[0] != record_version) throw bad("unsupported version");
  FileHeader h;
  if (r[1] == static_cast<std::uint8_t>(FileType::df))
    h.type = FileType::df;
  else if (r[1] == static_cast<std::uint8_t>(FileType::transparent))
    h.type = FileType::transparent;
  else
    throw bad("unknown file type");
  h.fid = static_cast<std::uint16_t>(get_u16be(r, 2));
  if (!valid_lcs(r[4])) throw bad("unknown life cycle status");
  h.life_cycle = static_cast<LifeCycle>(r[4]);
  h.size = static_cast<std::uint16_t>(get_u16be(r, 5));
  std::size_t at = 8;
  const std::size_t name_len = r[7];
  if (r.size() < at + name_len) throw bad("truncated name");
  h.df_name.assign(r.begin() + at, r.begin() + static_cast<std::ptrdiff_t>(at + name_len));
  at += name_len;
  for (auto& c : h.rules.by_op) {
    if (at >= r.size()) throw bad("truncated rules");
    const std::size_t n = r[at++];
    if (r.size() < at + 2 * n) throw bad("truncated rules");
    security::AccessCondition cond;
    for (std::size_t i = 0; i < n; ++i, at += 2) {
      switch (r[at]) {
        case 0:
          cond = cond | security::AccessCondition::always();
          break;
        case 1:
          cond = cond | security::AccessCondition::pin(r[at + 1]);
          break;
        case 2:
          cond = cond | security::AccessCondition::admin();
          break;
        default:
          throw bad("unknown access condition");
      }
    }
    c = cond;
  }
  const ByteView rest = r.subspan(at);
  if (h.is_df() ? !rest.empty() : rest.size() != h.size) throw bad("content size mismatch");
  if (content) *content = rest;
  return h;
}

FileTree::FileTree(std::string key_prefix) : prefix_(std::move(key_prefix)) {}

std::string FileTree::key(const Path& path) const {
  std::string k;
  k.reserve(prefix_.size() + path.size() * 5);
  k += prefix_;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i) k.push_back('/');
    append_fid(k, path[i]);
  }
  return k;
}

std::optional<FileHeader> FileTree::find(const ObjectStore& store, const Path& path) const {
  if (path.empty()) return std::nullopt;
  const Bytes* raw = store.get(key(path));
  if (!raw) return std::nullopt;
  return decode_file_record(view(*raw));
}

std::optional<FileType> FileTree::type(const ObjectStore& store, const Path& path) const {
  if (path.empty()) return std::nullopt;
  const Bytes* raw = store.get(key(path));
  if (!raw) return std::nullopt;
  if (raw->size() < 2 || (*raw)[0] != record_version) decode_file_record(view(*raw));  // throws
  return (*raw)[1] == static_cast<std::uint8_t>(FileType::df) ? FileType::df
                                                              : FileType::transparent;
}

FileHeader FileTree::get(const ObjectStore& store, const Path& path) const {
  auto h = find(store, path);
  if (!h) throw CardError(Sw::file_not_found);
  return std::move(*h);
}

FileHeader FileTree::get_effective(const ObjectStore& store, const Path& path) const {
  FileHeader h = get(store, path);
  if (h.life_cycle == LifeCycle::terminated) return h;
  Path ancestor = path;
  while (ancestor.size() > 1) {
    ancestor.pop_back();
    const Bytes* raw = store.get(key(ancestor));
    if (!raw || raw->size() < 5) continue;  // a missing ancestor cannot restrict anything
    const auto lcs = static_cast<LifeCycle>((*raw)[4]);
    if (lcs == LifeCycle::terminated) {
      h.life_cycle = LifeCycle::terminated;
      return h;
    }
    if (lcs == LifeCycle::deactivated) h.life_cycle = LifeCycle::deactivated;
  }
  return h;
}

ByteView FileTree::content(const ObjectStore& store, const Path& path) const {
  const Bytes* raw = store.get(key(path));
  if (!raw) throw CardError(Sw::file_not_found);
  ByteView c;
  decode_file_record(view(*raw), &c);
  return c;
}

std::vector<Path> FileTree::all(const ObjectStore& store) const {
  std::vector<Path> out;
  for (const auto& k : store.keys(prefix_))
    if (auto p = parse_key_path(std::string_view(k).substr(prefix_.size()))) out.push_back(*p);
  return out;
}

std::vector<Path> FileTree::children(const ObjectStore& store, const Path& df) const {
  std::vector<Path> out;
  const std::string base = key(df) + "/";
  for (const auto& k : store.keys(base)) {
    const std::string_view tail = std::string_view(k).substr(base.size());
    if (tail.find('/') != std::string_view::npos) continue;
    if (auto p = parse_key_path(std::string_view(k).substr(prefix_.size()))) out.push_back(*p);
  }
  return out;
}

std::vector<Path> FileTree::find_df_name(const ObjectStore& store, ByteView name) const {
  std::vector<Path> exact, partial;
  for (const auto& p : all(store)) {
    const FileHeader h = get(store, p);
    if (!h.is_df() || h.df_name.size() < name.size()) continue;
    if (!std::equal(name.begin(), name.end(), h.df_name.begin())) continue;
    (h.df_name.size() == name.size() ? exact : partial).push_back(p);
  }
  exact.insert(exact.end(), partial.begin(), partial.end());
  return exact;
}

void FileTree::create_mf(ObjectStore& store, const FileHeader& mf) const {
  if (!mf.is_df() || mf.fid != mf_fid) throw CardError(Sw::wrong_data);
  if (find(store, {mf_fid})) throw CardError(Sw::file_exists);
  store.put(key({mf_fid}), encode_file_record(mf, {}));
}

Path FileTree::create(ObjectStore& store, const Path& parent, const FileHeader& h,
                      ByteView content) const {
  const FileHeader p = get(store, parent);
  if (!p.is_df()) throw CardError(Sw::incompatible_file_structure);
  if (h.fid == mf_fid || h.fid == 0x3FFF || h.fid == 0xFFFF) throw CardError(Sw::wrong_data);
  if (h.fid == parent.back()) throw CardError(Sw::file_exists);
  if (h.is_df() ? !content.empty() : content.size() > h.size) throw CardError(Sw::wrong_data);
  Path path = parent;
  path.push_back(h.fid);
  if (find(store, path)) throw CardError(Sw::file_exists);
  if (h.is_df() && !h.df_name.empty()) {
    for (const auto& other : all(store)) {
      const FileHeader o = get(store, other);
      if (o.is_df() && o.df_name == h.df_name) throw CardError(Sw::df_name_exists);
    }
  }
  Bytes body(content.begin(), content.end());
  if (!h.is_df()) body.resize(h.size, 0x00);
  store.put(key(path), encode_file_record(h, body));
  return path;
}

void FileTree::remove(ObjectStore& store, const Path& path) const {
  const std::string k = key(path);
  if (!store.contains(k)) throw CardError(Sw::file_not_found);
  for (const auto& below : store.keys(k + "/")) store.erase(below);
  store.erase(k);
}

void FileTree::set_life_cycle(ObjectStore& store, const Path& path, LifeCycle lcs) const {
  const std::string k = key(path);
  const Bytes* raw = store.get(k);
  if (!raw) throw CardError(Sw::file_not_found);
  ByteView c;
  FileHeader h = decode_file_record(view(*raw), &c);
  if (h.life_cycle == lcs) return;
  h.life_cycle = lcs;
  store.put(k, encode_file_record(h, c));
}

Bytes FileTree::read(const ObjectStore& store, const Path& path, std::size_t offset,
                     std::size_t max) const {
  const Bytes* raw = store.get(key(path));
  if (!raw) throw CardError(Sw::file_not_found);
  ByteView c;
  const FileHeader h = decode_file_record(view(*raw), &c);
  if (h.is_df()) throw CardError(Sw::incompatible_file_structure);
  if (offset > c.size() || (offset == c.size() && !c.empty()) || (c.empty() && offset > 0))
    throw CardError(Sw::wrong_p1p2);
  const std::size_t n = std::min(max, c.size() - offset);
  return Bytes(c.begin() + static_cast<std::ptrdiff_t>(offset),
               c.begin() + static_cast<std::ptrdiff_t>(offset + n));
}

void FileTree::write(ObjectStore& store, const Path& path, std::size_t offset,
                     ByteView data) const {
  const std::string k = key(path);
  const Bytes* raw = store.get(k);
  if (!raw) throw CardError(Sw::file_not_found);
  ByteView c;
  const FileHeader h = decode_file_record(view(*raw), &c);
  if (h.is_df()) throw CardError(Sw::incompatible_file_structure);
  if (offset >= c.size() && !(offset == 0 && data.empty())) throw CardError(Sw::wrong_p1p2);
  if (data.size() > c.size() - offset) throw CardError(Sw::wrong_length);
  Bytes record = *raw;  // copy: `c` views into the stored object we are replacing
  const std::size_t content_at = record.size() - c.size();
  std::copy(data.begin(), data.end(),
            record.begin() + static_cast<std::ptrdiff_t>(content_at + offset));
  store.put(k, std::move(record));
}

}  // namespace softcard::fs
