#pragma once
// An applet's persistent state described as data (Applet::inspect): its file tree, PINs with
// their retry counters, the minidriver container map, and applet-specific sections of named
// items (GIDS files and data objects, SKI shared keys, PIV keys and objects). `softcard inspect`
// prints it with render(); Python's card.inspect builds on it. Public card data only: never a
// private or secret key, a PIN or PUK value, a management/admin key or a session key.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "softcard/bytes.h"

namespace softcard {

struct InspectedFile {  // one file of an ISO 7816-4 file tree, depth first
  std::string path;     // FIDs from the MF, "3F00/5000/5001"
  std::uint16_t fid = 0;
  bool df = false;
  Bytes df_name;
  std::string life_cycle;  // "creation", "initialisation", "operational", "deactivated", ...
  std::size_t size = 0;
  Bytes content;       // EF contents (file data, never keys); empty for DFs
  std::string access;  // the access rules, e.g. "read=always update=pin(01) delete=never"
};

struct InspectedPin {
  std::string label;  // "PIN", "user PIN", "PUK"
  std::uint8_t reference = 0;
  unsigned min_length = 0, max_length = 0, max_tries = 0, tries_left = 0;
  bool padded = false, grants_admin = false;
  std::optional<std::uint8_t> unblock_reference;
  bool blocked() const { return tries_left == 0; }
};

struct InspectedContainer {  // one minidriver cmapfile record (flags 01 valid, 02 default)
  std::size_t index = 0;
  std::string guid;  // the record's name, UTF-8
  std::uint8_t flags = 0;
  unsigned sig_key_bits = 0, kx_key_bits = 0;
  bool valid() const { return flags & 0x01; }
};

struct InspectionItem {
  std::string name;      // "EF B080", "key 9a", "object 5fc102", "shared key 01"
  std::string value;     // "key file, 3DES admin key", "ECC P-256, PIN policy once, ..."
  int level = 0;         // 1 = inside the item listed before it (a data object in its EF)
  std::uint32_t id = 0;  // the item's number where it has one: a GIDS DO is EF << 16 | tag
  Bytes data;            // public content only (GIDS data objects); empty otherwise
};

struct InspectionSection {
  std::string title;  // "files", "data objects", "keys", "objects", "secure key injection"
  std::vector<InspectionItem> items;
};

struct AppletInspection {
  std::string summary;  // first line, e.g. "GIDS applet, life cycle operational"
  std::vector<InspectedFile> files;
  std::vector<InspectedPin> pins;
  std::vector<InspectionSection> sections;
  std::vector<InspectedContainer> containers;  // every record, valid or not
  std::vector<std::string> notes;  // problems met while inspecting, e.g. "cmapfile unreadable"

  // Header-only: applets below the registry module fill inspections without linking it.
  const InspectionSection* section(std::string_view title) const {
    for (const auto& s : sections)
      if (s.title == title) return &s;
    return nullptr;
  }
  InspectionSection& add_section(std::string title) {
    sections.push_back({std::move(title), {}});
    return sections.back();
  }
};

// The text `softcard inspect` prints for an applet (docs/ARCHITECTURE.md, "Inspection"), also
// Python's card.inspect.describe(): the summary; the file tree (two spaces per level, the file's
// own FID, "DF" or "EF size N", the DF name, the life cycle, then its access rules on the next
// line); one line per PIN ("user PIN 0x80: 3 of 3 tries left, length 4..16[, BLOCKED]"); one line
// per section item ("name: value", two more spaces per level); one line per valid container.
std::string render(const AppletInspection& inspection);

}  // namespace softcard
