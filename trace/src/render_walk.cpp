#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "render_internal.h"

namespace softcard::trace::detail {

std::string ms(std::int64_t ns) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f ms", static_cast<double>(ns) / 1e6);
  return buf;
}

std::string call_text(const Event& call) {
  if (call.rc == 0) return call.text;
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08" PRIX32, static_cast<std::uint32_t>(call.rc));
  return call.text + " -> " + buf;
}

void field_lines(const std::vector<Node>& nodes, const std::string& indent, bool mask,
                 std::vector<std::string>& out) {
  for (const auto& n : nodes) {
    std::string value = n.value;
    if (mask && n.varies) value = "<varies: " + n.value + ">";
    out.push_back(indent + n.label + (value.empty() ? "" : ": " + value));
    field_lines(n.children, indent + "  ", mask, out);
  }
}

void walk(const Session& s, const Visitor& v) {
  // Time-ordered merge of the three kinds of items.
  std::size_t next_step = 0;  // steps already announced
  auto announce = [&](int step) {
    const std::size_t upto =
        step < 0 ? s.steps.size() : std::min(s.steps.size(), static_cast<std::size_t>(step) + 1);
    for (; next_step < upto; ++next_step)
      if (v.step) v.step(next_step + 1, s.events[s.steps[next_step]]);
  };
  std::size_t xi = 0, ci = 0;
  for (std::size_t ei = 0; ei < s.events.size(); ++ei) {
    const Event& e = s.events[ei];
    if (e.kind == Kind::apdu) {
      // An exchange is emitted at its first APDU.
      while (xi < s.exchanges.size() && s.exchanges[xi].parts.front() <= ei) {
        const Exchange& x = s.exchanges[xi++];
        if (x.parts.front() != ei) continue;
        announce(x.step < 0 ? static_cast<int>(s.steps.size()) : x.step);
        if (v.exchange) v.exchange(x);
      }
    } else if (e.kind == Kind::call) {
      while (ci < s.calls.size() && s.calls[ci].event < ei) ++ci;
      if (ci < s.calls.size() && s.calls[ci].event == ei) {
        const Call& c = s.calls[ci];
        if (c.depth == 0) {
          announce(c.step < 0 ? static_cast<int>(s.steps.size()) : c.step);
          if (v.call) v.call(c, e);
        }
      }
    } else if (e.kind == Kind::step) {
      // Announced with the first thing inside it; an empty step is announced here.
    } else {
      if (v.other) v.other(e);
    }
  }
  announce(-1);
}

}  // namespace softcard::trace::detail
