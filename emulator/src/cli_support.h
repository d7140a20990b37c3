#pragma once
// Small pieces shared by the subcommands.
#include <string>

#include "softcard/card.h"

namespace softcard::cli {

// Logs card messages to stderr through spdlog.
LogSink stderr_log_sink();
// Formats one traced exchange: "> 00A40400.. SELECT" / "< 9000 success".
std::string format_trace(const TraceEvent& ev);

}  // namespace softcard::cli
