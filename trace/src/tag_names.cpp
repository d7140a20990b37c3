#include "tag_names.h"

#include <array>

namespace softcard::trace::detail {

namespace {

bool stands_in(std::uint32_t where, std::uint32_t parent) {
  if (where == anywhere) return true;
  if (where == nested) return parent != top_level;
  return where == parent;
}

constexpr std::uint32_t crt_a4 = 0xA4, crt_b6 = 0xB6, crt_b8 = 0xB8, mechanism_ac = 0xAC;

constexpr auto iso_rows = std::to_array<TagName>({
    {0x7C, 0x80, "witness"},
    {0x7C, 0x81, "challenge"},
    {0x7C, 0x82, "response"},
    {0x7C, 0x85, "exponentiation"},
    {0x7F49, 0x81, "modulus"},
    {0x7F49, 0x82, "public exponent"},
    {0x7F49, 0x86, "EC point"},
    {0x62, 0x80, "size"},
    {0x62, 0x82, "file descriptor"},
    {0x62, 0x83, "file identifier"},
    {0x62, 0x84, "DF name"},
    {0x62, 0x88, "short EF id"},
    {0x62, 0x8A, "life cycle"},
    {0x62, 0x8C, "compact security attributes"},
    {0x62, 0xA5, "proprietary"},
    {mechanism_ac, 0x80, "mechanism"},
    {crt_a4, 0x80, "mechanism"},
    {crt_b6, 0x80, "mechanism"},
    {crt_b8, 0x80, "mechanism"},
    {nested, 0x83, "key reference"},
    {nested, 0x84, "key reference"},
    {anywhere, 0x4F, "AID"},
    {anywhere, 0x50, "label"},
    {anywhere, 0x5C, "tag list"},
    {anywhere, 0x53, "discretionary data"},
    {anywhere, 0x61, "application template"},
    {anywhere, 0x62, "FCP"},
    {anywhere, 0x64, "FMD"},
    {anywhere, 0x6F, "FCI"},
    {anywhere, 0x73, "discretionary template"},
    {anywhere, 0x7C, "dynamic authentication template"},
    {anywhere, 0x7F49, "public key"},
    {anywhere, mechanism_ac, "cryptographic mechanism"},
    {anywhere, crt_a4, "authentication CRT"},
    {anywhere, crt_b6, "digital signature CRT"},
    {anywhere, crt_b8, "confidentiality CRT"},
});

}  // namespace

std::string find_tag_name(std::span<const TagName> rows, std::uint32_t tag, std::uint32_t parent) {
  // FCI (6F) and FMD (64) carry the FCP's data objects.
  if (parent == 0x6F || parent == 0x64) parent = 0x62;
  for (const auto& row : rows)
    if (row.tag == tag && stands_in(row.parent, parent)) return std::string(row.name);
  return "";
}

std::string iso_tag_name(std::uint32_t tag, std::uint32_t parent) {
  return find_tag_name(iso_rows, tag, parent);
}

std::string edge_tag_name(std::span<const TagName> rows, std::uint32_t tag, std::uint32_t parent) {
  std::string name = find_tag_name(rows, tag, parent);
  return name.empty() ? iso_tag_name(tag, parent) : name;
}

bool template_varies(std::uint32_t, std::uint32_t parent) {
  return parent == 0x7C || parent == 0x7F49;
}

}  // namespace softcard::trace::detail
