#pragma once
// What `softcard trace show|diff|html` print (docs/trace.md).
#include <string>

#include "softcard/trace/session.h"

namespace softcard::trace {

struct ShowOptions {
  bool colour = false;  // ANSI colours (the CLI turns them on for a terminal)
  bool raw = false;     // hex only: "> C-APDU" / "< R-APDU" per APDU as it crossed the boundary
};
// One block per logical command: the step and host call above it, its title, status, time and
// decoded fields.
std::string show_text(const Session& session, const ShowOptions& options);

// The normalized form `trace diff` compares: one block per step, host call and logical command,
// with values that differ per run by design (Node::varies, times, pids, handles) replaced.
std::vector<std::string> normalized_blocks(const Session& session);

struct DiffResult {
  bool same = true;
  std::string text;  // "" when same; else the differing blocks, "-" from A and "+" from B
};
DiffResult diff(const Session& a, const Session& b);

struct HtmlOptions {
  std::string title = "softcard trace";
};
// One self-contained HTML page (inline CSS and JS, no network): sequence diagram, time axis,
// filters, expandable decoded trees and raw bytes.
std::string html_report(const Session& session, const HtmlOptions& options);

}  // namespace softcard::trace
