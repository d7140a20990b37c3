#pragma once
// Bring your own trace: APDUs from `pcscd --debug --apdu` logs and from `pcsc-spy` output become
// trace events (docs/trace.md, "Importing"), so a real card's traffic decodes like ours.
#include <string>
#include <string_view>
#include <vector>

#include "softcard/trace/event.h"

namespace softcard::trace {

// format: "pcscd", "pcsc-spy" or "auto" (decided from the text). Lines that are not APDU
// traffic are skipped; std::invalid_argument when nothing in the text is APDU traffic of that
// format. Times are the logs' own relative times (pcscd: the microsecond deltas summed; pcsc-spy:
// the call timestamps), durations where the log has them.
std::vector<Event> import_log(std::string_view text, const std::string& format);
std::vector<Event> import_pcscd(std::string_view text);
std::vector<Event> import_pcsc_spy(std::string_view text);

}  // namespace softcard::trace
