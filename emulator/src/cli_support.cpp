#include "cli_support.h"

#include <spdlog/spdlog.h>

namespace softcard::cli {

LogSink stderr_log_sink() {
  return [](LogLevel level, std::string_view message) {
    switch (level) {
      case LogLevel::debug:
        spdlog::debug("{}", message);
        break;
      case LogLevel::info:
        spdlog::info("{}", message);
        break;
      case LogLevel::warning:
        spdlog::warn("{}", message);
        break;
      case LogLevel::error:
        spdlog::error("{}", message);
        break;
    }
  };
}

std::string format_trace(const TraceEvent& ev) {
  std::string out = "> " + to_hex(ev.command, ' ');
  if (ev.redacted) out += "  (data redacted)";
  out += "  " + ev.name + "\n< " + to_hex(ev.response, ' ') + "  " + describe(ev.sw);
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(ev.duration).count();
  out += "  (" + std::to_string(us) + " us)";
  return out;
}

}  // namespace softcard::cli
