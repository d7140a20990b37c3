#pragma once
// The compact security attribute (ISO 7816-4 §7.4.3, FCP tag 8C): one access mode byte, then one
// security condition byte per set access mode bit, b7 first. This is the only parser of it; both
// the ISO file system and the GIDS applet turn its condition bytes into AccessConditions here, so
// one rule decides what a condition byte means.
#include <array>
#include <cstdint>
#include <optional>

#include "security/access.h"
#include "softcard/bytes.h"

namespace softcard::security {

struct CompactAcl {
  std::uint8_t am = 0;
  std::array<std::uint8_t, 7> sc{};  // by access mode bit number 0..6
  // The condition byte for one access mode bit (0x01..0x40); nullopt when the AM omits it.
  std::optional<std::uint8_t> condition(std::uint8_t am_bit) const;
};

// Parses the value of an 8C object. AM b8 is ignored (GIDS key files set it: AM 8F). Throws
// CardError(6A80) when the value is empty, lacks a condition byte for a set AM bit (b7..b1) or
// has bytes left over.
CompactAcl parse_compact_acl(ByteView value);

// What a card offers to satisfy the methods a condition byte names.
struct CompactScheme {
  // The PIN that b5 "user authentication" means; nullopt: the card has none.
  std::optional<std::uint8_t> user_pin;
  // b6 "external authentication" means the administrator key.
  bool external_auth = false;
  // A security environment number (b4..b1) whose conditions can never be met here (e.g. GIDS
  // SE 2, "contactless only", on a contact card); 0 = none.
  std::uint8_t unreachable_se = 0;
};

// One condition byte as an AccessCondition:
//   00 -> always, FF -> never;
//   SE number = unreachable_se -> never;
//   b8 = 0: any of the methods named by b7 (secure messaging), b6 (external authentication),
//           b5 (user authentication) suffices; methods the scheme lacks drop out;
//   b8 = 1: all of them are needed; one the scheme lacks makes the condition never;
//   no method named (or none left) -> never.
AccessCondition compact_condition(std::uint8_t sc, const CompactScheme& scheme);

}  // namespace softcard::security
