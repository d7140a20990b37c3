#pragma once
// Windows error codes by name, for readable reports ("SCARD_E_INVALID_PARAMETER (0x80100004)").
#include <cstdint>
#include <string>

namespace softcard::mdtest {

std::string error_name(std::uint32_t code);  // "NAME (0x...)", or just the hex for unknown codes

}  // namespace softcard::mdtest
