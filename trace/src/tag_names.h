#pragma once
// Names of BER-TLV tags by where they stand. Every card edge's decoder keeps its own rows and falls
// back to the interindustry rows (ISO 7816-4/-8), so a template both share is named once.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace softcard::trace::detail {

// Where a row's tag must stand: inside the template `parent` (a row for the FCP, 62, also
// names the same tag in FCI, 6F, and FMD, 64), or one of these.
inline constexpr std::uint32_t top_level = 0;
inline constexpr std::uint32_t nested = 0xFFFFFFFE;    // inside any template
inline constexpr std::uint32_t anywhere = 0xFFFFFFFF;  // at any level

struct TagName {
  std::uint32_t parent;
  std::uint32_t tag;
  std::string_view name;
};

// The first row that matches (rows are tried in order: put specific parents before `anywhere`);
// "" when none does.
std::string find_tag_name(std::span<const TagName> rows, std::uint32_t tag, std::uint32_t parent);

// The interindustry names: dynamic authentication (7C), public key (7F49), FCP/FCI/FMD, CRTs.
std::string iso_tag_name(std::uint32_t tag, std::uint32_t parent);
// An edge's rows first, then the interindustry ones.
std::string edge_tag_name(std::span<const TagName> rows, std::uint32_t tag, std::uint32_t parent);
// Values that differ per run in every edge: inside 7C (challenges, responses) and 7F49 (keys).
bool template_varies(std::uint32_t tag, std::uint32_t parent);

}  // namespace softcard::trace::detail
