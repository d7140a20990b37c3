#pragma once
// What both processes of `softcard demo` share: how a failed step is reported and how the line
// protocol between them is split into words.
#include <chrono>
#include <stdexcept>
#include <string>
#include <vector>

#include "cardmod.h"

namespace softcard::cli::demo {

using Clock = std::chrono::steady_clock;

struct DemoFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string hexrc(DWORD rc);  // "0x8010002A"
// Throws DemoFailure("<what> failed: 0x...") unless rc is 0.
void check(DWORD rc, const std::string& what);
std::vector<std::string> split(const std::string& line);

}  // namespace softcard::cli::demo
