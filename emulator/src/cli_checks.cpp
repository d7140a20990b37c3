#include "cli_checks.h"

#include <netdb.h>
#include <sys/socket.h>

#include <charconv>
#include <cmath>

#include "softcard/bytes.h"
#include "softcard/vpcd/endpoint.h"

namespace softcard::cli {

CLI::Validator hex_bytes() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        try {
          if (from_hex(text).empty()) return "'" + text + "' has no hex bytes";
        } catch (const std::exception& e) {
          return "'" + text + "' is not hex: " + e.what();
        }
        return {};
      },
      "HEX");
}

CLI::Validator positive_seconds(double max_seconds) {
  return CLI::Validator(
      [max_seconds](std::string& text) -> std::string {
        double v = 0;
        const char* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, v);
        // Checked here, not by CLI11's number checks: NaN passes any "<= 0" comparison.
        if (ec != std::errc{} || ptr != end || !std::isfinite(v) || v <= 0 || v > max_seconds)
          return "'" + text + "' is not a number of seconds in (0, " +
                 std::to_string(static_cast<long>(max_seconds)) + "]";
        return {};
      },
      "SECONDS");
}

CLI::Validator vpcd_endpoint() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        vpcd::Endpoint ep;
        try {
          ep = vpcd::parse_endpoint(text, "127.0.0.1");
        } catch (const std::exception& e) {
          return e.what();
        }
        if (ep.port == 0) return "port 0 in '" + text + "' (vpcd listens on a fixed port)";
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        const int rc = getaddrinfo(ep.host.c_str(), nullptr, &hints, &found);
        if (rc != 0) return "cannot resolve host '" + ep.host + "': " + gai_strerror(rc);
        freeaddrinfo(found);
        return {};
      },
      "HOST:PORT");
}

std::string unknown_subcommand(const CLI::App& app, int argc, char** argv) {
  if (argc < 2 || argv[1][0] == '-') return {};
  const std::string word = argv[1];
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    if (sub->check_name(word)) return {};
  return word;
}

}  // namespace softcard::cli
