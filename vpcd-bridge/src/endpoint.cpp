#include "softcard/vpcd/endpoint.h"

#include <charconv>
#include <stdexcept>

namespace softcard::vpcd {

std::string Endpoint::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Endpoint Endpoint::offset(unsigned n) const {
  if (port + n > 0xFFFF)
    throw std::invalid_argument("port " + std::to_string(port) + " + " + std::to_string(n) +
                                " is above 65535");
  return {host, static_cast<std::uint16_t>(port + n)};
}

static std::uint16_t parse_port(std::string_view text, std::string_view whole) {
  unsigned value = 0;
  const auto* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc{} || ptr != end || value > 0xFFFF)
    throw std::invalid_argument("bad port in '" + std::string(whole) + "' (expected 0..65535)");
  return static_cast<std::uint16_t>(value);
}

Endpoint parse_endpoint(std::string_view text, std::string_view default_host,
                        std::uint16_t default_port) {
  Endpoint ep{std::string(default_host), default_port};
  if (text.empty()) return ep;
  if (text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos)
      throw std::invalid_argument("missing ']' in '" + std::string(text) + "'");
    ep.host = std::string(text.substr(1, close - 1));
    const auto rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':')
        throw std::invalid_argument("expected ':' after ']' in '" + std::string(text) + "'");
      ep.port = parse_port(rest.substr(1), text);
    }
    return ep;
  }
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    ep.host = std::string(text);
    return ep;
  }
  if (text.find(':') != colon)
    throw std::invalid_argument("IPv6 address needs brackets: '[" + std::string(text) + "]:PORT'");
  if (colon > 0) ep.host = std::string(text.substr(0, colon));
  ep.port = parse_port(text.substr(colon + 1), text);
  return ep;
}

}  // namespace softcard::vpcd
