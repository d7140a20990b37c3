// What Applet::inspect shows of a GIDS card's records: its EFs (key files by kind only, never the
// key), the data objects with their public values, and the container map.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "applets/gids/gids_session.h"

namespace softcard::gids {
namespace {

std::string utf16_to_utf8(const std::u16string& s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    std::uint32_t c = s[i];
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < s.size() && s[i + 1] >= 0xDC00 && s[i + 1] < 0xE000) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    }
    if (c < 0x80) {
      out += static_cast<char>(c);
    } else if (c < 0x800) {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      out += static_cast<char>(0xE0 | (c >> 12));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (c >> 18));
      out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

std::string ef_kind(const EfRecord& ef) {
  std::string kind = ef.type == ef_type_bertlv ? "BER-TLV EF" : "key file";
  if (!ef.active()) kind += " (not activated)";
  if (ef.key_kind == KeyKind::symmetric)
    kind += ef.sym_alg == SymAlg::aes ? ", AES admin key" : ", 3DES admin key";
  if (ef.key_kind == KeyKind::asymmetric) kind += ", private key";
  if (ef.type == ef_type_key && is_establishment_key_file(ef)) kind += ", SKI establishment key";
  return kind;
}

std::string key_name(const KeyPair& key) {
  if (key.key_type() == KeyType::rsa) return "RSA-" + std::to_string(key.bits());
  return "ECDH P-" + std::to_string(key.bits());
}

// The public key of every establishment key, so that whoever provisions the card can hand the
// server the keys it may wrap session keys to (docs/ski.md §13).
void establishment_keys(const ObjectStore& store, AppletInspection& out) {
  InspectionSection* section = nullptr;
  CryptoProvider crypto;
  for (const auto& key : store.keys(ef_prefix())) {
    const EfRecord ef = decode_ef(*store.get(key));
    if (ef.type != ef_type_key || ef.key_kind != KeyKind::asymmetric) continue;
    if (!is_establishment_key_file(ef) || (ef.fid & 0xFF) < first_container_key) continue;
    if (!section) section = &out.add_section("SKI establishment keys");
    const std::size_t index = (ef.fid & 0xFF) - first_container_key;
    try {
      const KeyPair pair = crypto.import_private(ef.key.view());
      Bytes spki = crypto.public_key_der(pair);
      const Bytes hash = crypto.digest(HashAlg::sha256, spki);
      section->items.push_back({"container " + std::to_string(index),
                                key_name(pair) + ", SPKI SHA-256 " + to_hex(hash), 0,
                                static_cast<std::uint32_t>(index), std::move(spki)});
    } catch (const CryptoError&) {
      out.notes.push_back("establishment key of container " + std::to_string(index) +
                          " unreadable");
    }
  }
}

}  // namespace

void inspect_records(const ObjectStore& store, AppletInspection& out) {
  InspectionSection& files = out.add_section("files");
  for (const auto& key : store.keys(ef_prefix())) {
    const EfRecord ef = decode_ef(*store.get(key));  // the key (if any) is wiped with `ef`
    char name[16];
    std::snprintf(name, sizeof name, "EF %04X", ef.fid);
    files.items.push_back({name, ef_kind(ef), 0, ef.fid, {}});
    if (ef.type != ef_type_bertlv) continue;
    // Data objects are public card data (GET DATA reads them): their values are shown.
    for (const auto& dk : store.keys(do_prefix(ef.fid))) {
      const Bytes* v = store.get(dk);
      const std::string tag_hex = dk.substr(dk.size() - 4);
      const auto tag = static_cast<std::uint16_t>(std::strtoul(tag_hex.c_str(), nullptr, 16));
      InspectionItem item{"DO " + tag_hex, "", 1, std::uint32_t{ef.fid} << 16 | tag, {}};
      if (v && !v->empty()) item.data.assign(v->begin() + 1, v->end());  // after the version
      item.value = std::to_string(item.data.size()) + " bytes";
      files.items.push_back(std::move(item));
    }
  }
  establishment_keys(store, out);
  try {
    const auto recs = containers(store);
    for (std::size_t i = 0; i < recs.size(); ++i)
      out.containers.push_back({i, utf16_to_utf8(recs[i].guid), recs[i].flags, recs[i].sig_key_bits,
                                recs[i].kx_key_bits});
  } catch (const std::exception&) {
    out.notes.push_back("cmapfile unreadable");
  }
}

}  // namespace softcard::gids
