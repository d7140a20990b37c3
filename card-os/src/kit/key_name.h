#pragma once
#include <string>
#include <string_view>

namespace softcard::kit {

// `key` when it is a valid relative key (1..200 printable ASCII characters), else throws
// std::invalid_argument.
std::string checked_key(std::string_view key);

}  // namespace softcard::kit
