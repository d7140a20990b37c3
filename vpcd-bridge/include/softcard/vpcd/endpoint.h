#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace softcard::vpcd {

// Debian's vpcd reader entry (/etc/reader.conf.d/vpcd): CHANNELID 0x8C7B, slots on 35963, 35964.
inline constexpr std::uint16_t default_vpcd_port = 0x8C7B;

struct Endpoint {
  std::string host = "127.0.0.1";
  std::uint16_t port = default_vpcd_port;

  std::string to_string() const;
  // Same host, port + n (consecutive images get consecutive ports). Throws if it overflows.
  Endpoint offset(unsigned n) const;
};

// "HOST:PORT", "HOST" (default port), ":PORT" (default host), "[v6]:PORT". Throws
// std::invalid_argument with a readable message.
Endpoint parse_endpoint(std::string_view text, std::string_view default_host = "127.0.0.1",
                        std::uint16_t default_port = default_vpcd_port);

}  // namespace softcard::vpcd
