#pragma once
// The report's inline stylesheet and script (written for softcard, no external assets).
#include <string>

namespace softcard::trace::detail {
const std::string& html_css();
const std::string& html_script();
}  // namespace softcard::trace::detail
