#pragma once
// Command and response APDUs as values (ISO 7816-4 clause 5).
#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "softcard/bytes.h"
#include "softcard/status_word.h"

namespace softcard {

struct Command {
  std::uint8_t cla = 0;
  std::uint8_t ins = 0;
  std::uint8_t p1 = 0;
  std::uint8_t p2 = 0;
  Bytes data;                       // Nc = data.size()
  std::optional<std::uint32_t> ne;  // expected length; 256/65536 when Le was 00/0000
  bool extended = false;            // encoded with extended length fields

  std::uint16_t p1p2() const { return static_cast<std::uint16_t>((p1 << 8) | p2); }
  // ISO case 1..4.
  int iso_case() const { return data.empty() ? (ne ? 2 : 1) : (ne ? 4 : 3); }
  // Interindustry class (first byte 0x00-0x7F) vs proprietary (0x80-0xFE).
  bool interindustry() const { return (cla & 0x80) == 0; }
  // Command chaining bit b5. softcard applies it to proprietary classes too (CLA 90 = chained
  // 80), so long proprietary commands (secure key injection) chain like interindustry ones.
  bool chained() const { return cla != 0xFF && (cla & 0x10) != 0; }
};

// Parses a C-APDU. Malformed encodings give Sw::wrong_length.
std::variant<Command, Sw> parse_command(ByteView apdu);

// Encodes a command, choosing short or extended form as needed (or forced by cmd.extended).
Bytes encode(const Command& cmd);

struct Response {
  Bytes data;
  Sw sw = Sw::ok;

  Response() = default;
  Response(Sw s) : sw(s) {}  // NOLINT: a bare status word is a response
  Response(Bytes d, Sw s = Sw::ok) : data(std::move(d)), sw(s) {}

  bool ok() const { return sw == Sw::ok; }
  Bytes to_bytes() const;
};

// Splits an R-APDU (>= 2 bytes) into data and status word.
std::optional<Response> parse_response(ByteView rapdu);

// Human-readable command name for traces, e.g. "SELECT", "VERIFY", "GET DATA".
std::string command_name(const Command& cmd);

// Whether the command data carries secrets (PINs, plaintext keys) and must be redacted in traces.
bool carries_secret(const Command& cmd);

}  // namespace softcard
