#include "softcard/status_word.h"

#include <cstdio>

namespace softcard {

namespace {
const char* fixed_meaning(Sw sw) {
  switch (sw) {
    case Sw::ok:
      return "success";
    case Sw::warning_eof:
      return "end of file reached before Le bytes";
    case Sw::warning_file_deactivated:
      return "selected file deactivated";
    case Sw::memory_failure:
      return "memory failure";
    case Sw::wrong_length:
      return "wrong length";
    case Sw::logical_channel_not_supported:
      return "logical channel not supported";
    case Sw::secure_messaging_not_supported:
      return "secure messaging not supported";
    case Sw::last_command_expected:
      return "last command of the chain expected";
    case Sw::chaining_not_supported:
      return "command chaining not supported";
    case Sw::incompatible_file_structure:
      return "command incompatible with file structure";
    case Sw::security_not_satisfied:
      return "security status not satisfied";
    case Sw::auth_method_blocked:
      return "authentication method blocked";
    case Sw::reference_data_not_usable:
      return "reference data not usable";
    case Sw::conditions_not_satisfied:
      return "conditions of use not satisfied";
    case Sw::command_not_allowed:
      return "command not allowed (no current EF)";
    case Sw::wrong_data:
      return "incorrect parameters in the data field";
    case Sw::function_not_supported:
      return "function not supported";
    case Sw::file_not_found:
      return "file or application not found";
    case Sw::record_not_found:
      return "record not found";
    case Sw::not_enough_memory:
      return "not enough memory space in the file";
    case Sw::lc_inconsistent_with_tlv:
      return "Nc inconsistent with TLV structure";
    case Sw::incorrect_p1p2:
      return "incorrect parameters P1-P2";
    case Sw::lc_inconsistent_with_p1p2:
      return "Nc inconsistent with parameters P1-P2";
    case Sw::reference_not_found:
      return "referenced data or reference data not found";
    case Sw::file_exists:
      return "file already exists";
    case Sw::df_name_exists:
      return "DF name already exists";
    case Sw::wrong_p1p2:
      return "wrong parameters P1-P2";
    case Sw::ins_not_supported:
      return "instruction not supported";
    case Sw::cla_not_supported:
      return "class not supported";
    case Sw::unknown:
      return "no precise diagnosis";
  }
  return nullptr;
}
}  // namespace

std::string describe(Sw sw) {
  char code[8];
  std::snprintf(code, sizeof code, "%04X", value(sw));
  std::string out = code;
  out += ' ';
  if (const char* m = fixed_meaning(sw)) return out + m;
  const auto s1 = sw1(sw), s2 = sw2(sw);
  if (s1 == 0x61)
    return out + (s2 ? std::to_string(s2) : std::string("256 or more")) + " more bytes available";
  if (s1 == 0x6C) return out + "wrong Le, exact length " + std::to_string(s2 ? s2 : 256);
  if (s1 == 0x63 && (s2 & 0xF0) == 0xC0)
    return out + "verification failed, " + std::to_string(s2 & 0x0F) + " tries left";
  if (s1 == 0x62 || s1 == 0x63) return out + "warning";
  if (s1 == 0x64 || s1 == 0x65) return out + "execution error";
  if (s1 >= 0x67 && s1 <= 0x6F) return out + "checking error";
  if (s1 == 0x90 || s1 == 0x91) return out + "proprietary success";
  return out + "unknown status";
}

}  // namespace softcard
