#pragma once
// The order in which show, diff and html walk a session: steps (a heading before the first
// thing that belongs to them), outermost host calls, logical commands, card events.
#include <functional>
#include <string>
#include <string_view>

#include "softcard/trace/render.h"

namespace softcard::trace::detail {

struct Visitor {
  std::function<void(std::size_t step_number, const Event& step)> step;  // 1-based number
  std::function<void(const Call& call, const Event& event)> call;
  std::function<void(const Exchange& x)> exchange;
  std::function<void(const Event& e)> other;  // power, insert/remove, notes
};
void walk(const Session& s, const Visitor& v);

std::string ms(std::int64_t ns);  // "1.234 ms"
// A call's text with the return code when it failed: "CardSignData(container 1) -> 0x80100004".
std::string call_text(const Event& call);
// The decoded fields as indented lines; `mask` replaces varying values ("<varies: 16 bytes>").
void field_lines(const std::vector<Node>& nodes, const std::string& indent, bool mask,
                 std::vector<std::string>& out);

// Step and call texts without per-run values: "pid 12" -> "pid N", "160 ms" / "1.5 s" -> "N ms",
// "handle 3" -> "handle N".
std::string mask_run_values(std::string_view text);

}  // namespace softcard::trace::detail
