// The trace decoder and its readers (docs/trace.md): the importers (pcscd, pcsc-spy), the JSON
// Lines reader, and the decoder, folding and renderers over arbitrary APDU traffic. Nothing may
// crash; the only exception a reader may throw is std::invalid_argument (a bad log or line);
// a session always diffs equal to itself.
//
// Input: a mode byte, then
//   0: log text for `import_log(auto)`;   1: JSON Lines for `from_json_line`;
//   2+: APDU exchanges as Splitter chunks (command, response, command, response...), every
//       fifth chunk pair after a power event when the mode's low bit is set.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "softcard/trace/import.h"
#include "softcard/trace/render.h"

using namespace softcard;
using namespace softcard::trace;

namespace {

void exercise(std::vector<Event> events) {
  const Session s = build_session(std::move(events));
  ShowOptions plain;
  (void)show_text(s, plain);
  ShowOptions raw;
  raw.raw = true;
  (void)show_text(s, raw);
  (void)html_report(s, {});
  if (!diff(s, s).same) fuzz::oracle_failed("a session differs from itself");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t mode = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if (mode == 0) {
    try {
      exercise(import_log(text, "auto"));
    } catch (const std::invalid_argument&) {
    }
    return 0;
  }
  if (mode == 1) {
    std::vector<Event> events;
    std::size_t start = 0;
    while (start <= text.size()) {
      auto end = text.find('\n', start);
      if (end == std::string_view::npos) end = text.size();
      try {
        Event e = from_json_line(text.substr(start, end - start));
        if (from_json_line(to_json_line(e)).command != e.command)
          fuzz::oracle_failed("a record does not survive its own round trip");
        events.push_back(std::move(e));
      } catch (const std::invalid_argument&) {
      }
      start = end + 1;
    }
    exercise(std::move(events));
    return 0;
  }
  fuzz::Splitter in(data + 1, size - 1);
  std::vector<Event> events;
  std::int64_t t = 0;
  while (!in.done() && events.size() < 400) {
    if ((mode & 1) && events.size() % 10 == 9) {
      Event p;
      p.kind = Kind::reset;
      p.card = "card";
      p.t_ns = t++;
      events.push_back(p);
    }
    Event e;
    e.kind = Kind::apdu;
    e.card = "card";
    e.t_ns = t++;
    e.command = in.chunk();
    e.response = in.chunk();
    if (e.command.empty()) continue;
    events.push_back(std::move(e));
  }
  exercise(std::move(events));
  return 0;
}
