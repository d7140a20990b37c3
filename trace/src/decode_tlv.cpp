// BER-TLV trees and small field helpers for the decoders.
#include <cctype>

#include "decode_internal.h"
#include "softcard/wire/tlv.h"

namespace softcard::trace::detail {

std::string hex(ByteView b) {
  std::string h = to_hex(b);
  for (auto& ch : h) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return h;
}

std::string spaced_hex(ByteView b) {
  std::string h = to_hex(b, ' ');
  for (auto& ch : h) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  return h;
}

std::string byte_hex(std::uint8_t b) {
  return hex(ByteView(&b, 1));
}

std::string tag_hex(std::uint32_t tag) {
  Bytes b;
  if (tag > 0xFF) b.push_back(static_cast<std::uint8_t>(tag >> 8));
  b.push_back(static_cast<std::uint8_t>(tag));
  return hex(b);
}

Node field(std::string label, std::string value, ByteView bytes) {
  Node n;
  n.label = std::move(label);
  n.value = std::move(value);
  n.hex = hex(bytes);
  return n;
}

Node varying(std::string label, ByteView bytes) {
  Node n = field(std::move(label), std::to_string(bytes.size()) + " bytes", bytes);
  n.varies = true;
  return n;
}

Node withheld(std::string label, std::size_t length) {
  Node n;
  n.label = std::move(label);
  n.value = std::to_string(length) + " bytes, not shown (secret)";
  n.withheld = true;
  return n;
}

namespace {

bool constructed(std::uint32_t tag) {
  // parse_tlvs yields tags of one or two bytes, so either operand fits a byte.
  const auto first = static_cast<std::uint8_t>(tag > 0xFF ? tag >> 8 : tag);
  return (first & 0x20) != 0;
}

bool printable(ByteView v) {
  if (v.empty()) return false;
  for (auto b : v)
    if (b < 0x20 || b > 0x7E) return false;
  return true;
}

}  // namespace

std::optional<std::vector<Node>> tlv_tree(ByteView data, const TagNamer& name,
                                          const TagVaries& varies, std::uint32_t parent,
                                          int depth) {
  if (depth > 8) return std::nullopt;
  auto tlvs = wire::parse_tlvs(data);
  if (!tlvs || tlvs->empty()) return std::nullopt;
  std::vector<Node> out;
  for (const auto& t : *tlvs) {
    Node n;
    const std::string known = name ? name(t.tag, parent) : "";
    n.label = tag_hex(t.tag) + (known.empty() ? "" : " " + known);
    if (constructed(t.tag) && !t.value.empty()) {
      if (auto kids = tlv_tree(t.value, name, varies, t.tag, depth + 1)) {
        n.children = std::move(*kids);
        n.value = std::to_string(t.value.size()) + " bytes";
        out.push_back(std::move(n));
        continue;
      }
    }
    n.hex = hex(t.value);
    if (varies && varies(t.tag, parent)) {
      n.varies = true;
      n.value = std::to_string(t.value.size()) + " bytes";
    } else if (printable(t.value)) {
      n.value = "\"" + std::string(t.value.begin(), t.value.end()) + "\"";
    } else {
      n.value =
          t.value.size() <= 16 ? spaced_hex(t.value) : std::to_string(t.value.size()) + " bytes";
    }
    out.push_back(std::move(n));
  }
  return out;
}

std::vector<Node> tlv_or_raw(ByteView data, const TagNamer& name, const TagVaries& varies) {
  if (data.empty()) return {};
  if (auto tree = tlv_tree(data, name, varies)) return std::move(*tree);
  Node n = field("data", std::to_string(data.size()) + " bytes", data);
  return {n};
}

}  // namespace softcard::trace::detail
