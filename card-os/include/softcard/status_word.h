#pragma once
// ISO 7816-4 status words as values.
#include <cstdint>
#include <string>

namespace softcard {

enum class Sw : std::uint16_t {
  ok = 0x9000,
  // warnings (state may have changed)
  warning_eof = 0x6282,  // end of file reached before Le bytes
  warning_file_deactivated = 0x6283,
  // execution errors
  memory_failure = 0x6581,
  // checking errors
  wrong_length = 0x6700,
  logical_channel_not_supported = 0x6881,
  secure_messaging_not_supported = 0x6882,
  last_command_expected = 0x6883,
  chaining_not_supported = 0x6884,
  incompatible_file_structure = 0x6981,
  security_not_satisfied = 0x6982,
  auth_method_blocked = 0x6983,
  reference_data_not_usable = 0x6984,
  conditions_not_satisfied = 0x6985,
  command_not_allowed = 0x6986,
  wrong_data = 0x6A80,
  function_not_supported = 0x6A81,
  file_not_found = 0x6A82,
  record_not_found = 0x6A83,
  not_enough_memory = 0x6A84,
  lc_inconsistent_with_tlv = 0x6A85,
  incorrect_p1p2 = 0x6A86,
  lc_inconsistent_with_p1p2 = 0x6A87,
  reference_not_found = 0x6A88,
  file_exists = 0x6A89,
  df_name_exists = 0x6A8A,
  wrong_p1p2 = 0x6B00,
  ins_not_supported = 0x6D00,
  cla_not_supported = 0x6E00,
  unknown = 0x6F00,
};

constexpr std::uint16_t value(Sw sw) {
  return static_cast<std::uint16_t>(sw);
}
constexpr Sw make_sw(std::uint8_t sw1, std::uint8_t sw2) {
  return static_cast<Sw>((unsigned(sw1) << 8) | sw2);
}
constexpr std::uint8_t sw1(Sw sw) {
  return static_cast<std::uint8_t>(value(sw) >> 8);
}
constexpr std::uint8_t sw2(Sw sw) {
  return static_cast<std::uint8_t>(value(sw));
}

// 63Cx: verification failed, x tries left (x capped at 15).
constexpr Sw sw_retries(unsigned left) {
  return make_sw(0x63, static_cast<std::uint8_t>(0xC0 | (left > 15 ? 15 : left)));
}
// 61xx: xx more bytes available through GET RESPONSE (00 = 256 or more).
constexpr Sw sw_bytes_remaining(std::size_t n) {
  return make_sw(0x61, n >= 256 ? 0 : std::uint8_t(n));
}
// 6Cxx: wrong Le, exact length is xx (00 = 256).
constexpr Sw sw_wrong_le(std::size_t exact) {
  return make_sw(0x6C, std::uint8_t(exact & 0xFF));
}

// True for 9000, 61xx and warnings 62xx/63xx (except 63Cx, a failed verification).
constexpr bool is_success(Sw sw) {
  const auto s1 = sw1(sw);
  return sw == Sw::ok || s1 == 0x61 || s1 == 0x62 || (s1 == 0x63 && (sw2(sw) & 0xF0) != 0xC0);
}

// Readable meaning, e.g. "6982 security status not satisfied", "63C2 verification failed, 2 tries
// left".
std::string describe(Sw sw);

}  // namespace softcard
