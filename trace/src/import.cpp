#include "softcard/trace/import.h"
#include <stdexcept>
namespace softcard::trace {
std::vector<Event> import_pcscd(std::string_view) { return {}; }
std::vector<Event> import_pcsc_spy(std::string_view) { return {}; }
std::vector<Event> import_log(std::string_view text, const std::string& format) {
  if (format == "pcscd") return import_pcscd(text);
  return import_pcsc_spy(text);
}
}
