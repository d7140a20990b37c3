// `softcard trace show` and `softcard trace diff`.
#include <algorithm>
#include <cctype>

#include "decode_internal.h"
#include "render_internal.h"

namespace softcard::trace {

namespace {

struct Colours {
  bool on;
  std::string c(const char* code, const std::string& text) const {
    return on ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
  }
};

bool ok_sw(std::uint16_t sw) {
  return sw == 0x9000 || (sw >> 8) == 0x61;
}

std::string event_line(const Event& e) {
  std::string line = std::string("-- ") + to_string(e.kind);
  if (!e.card.empty()) line += " " + e.card;
  if (!e.text.empty()) line += ": " + e.text;
  return line;
}

}  // namespace

std::string show_text(const Session& s, const ShowOptions& o) {
  using namespace detail;
  const Colours col{o.colour};
  std::string out;
  if (o.raw) {
    for (const auto& e : s.events) {
      if (e.kind != Kind::apdu) continue;
      out += "> " + spaced_hex(e.command) + "\n< " + spaced_hex(e.response) + "\n";
    }
    return out;
  }
  Visitor v;
  v.step = [&](std::size_t n, const Event& e) {
    out += "\n" + col.c("1;36", "== step " + std::to_string(n) + ": " + e.text) + "\n";
  };
  v.call = [&](const Call&, const Event& e) {
    out += "  " + col.c("1;33", call_text(e)) + "  " +
           col.c("2", process_label(e) + ", " + ms(e.dur_ns)) + "\n";
  };
  v.exchange = [&](const Exchange& x) {
    const std::string indent = x.call >= 0 ? "      " : "    ";
    const auto& d = x.decoded;
    const std::string status = ok_sw(d.sw) ? col.c("32", d.status) : col.c("31", d.status);
    out += indent.substr(2) +
           col.c("1", "#" + std::to_string(x.number) + " " + d.applet + "  " + d.title) + "  " +
           status + "  " +
           col.c("2",
                 ms(x.card_ns) +
                     (x.parts.size() > 1 ? ", " + std::to_string(x.parts.size()) + " APDUs" : "")) +
           "\n";
    std::vector<std::string> lines;
    field_lines(d.command_fields, indent + "> ", false, lines);
    field_lines(d.response_fields, indent + "< ", false, lines);
    for (const auto& f : x.faults) lines.push_back(indent + "! fault: " + f);
    if (x.outcome != "answered") lines.push_back(indent + "! no answer: " + x.outcome);
    for (const auto& l : lines) {
      out += col.c("2", l.substr(0, indent.size()));
      out.append(l, indent.size());
      out += '\n';
    }
  };
  v.other = [&](const Event& e) { out += "  " + col.c("35", event_line(e)) + "\n"; };
  walk(s, v);
  out += "\n" + std::to_string(s.exchanges.size()) + " logical commands (" +
         std::to_string(std::count_if(s.events.begin(), s.events.end(),
                                      [](const Event& e) { return e.kind == Kind::apdu; })) +
         " APDUs), " + std::to_string(s.calls.size()) + " host calls, " +
         std::to_string(s.steps.size()) + " steps, " + ms(s.end_ns - s.start_ns) + "\n";
  return out;
}

namespace detail {

std::string mask_run_values(std::string_view t) {
  // By hand, not std::regex: texts come from files and can be long.
  auto digits = [&](std::size_t i) {
    std::size_t j = i;
    while (j < t.size() && t[j] >= '0' && t[j] <= '9') ++j;
    return j;
  };
  std::string out;
  std::size_t i = 0;
  while (i < t.size()) {
    for (std::string_view word : {"pid ", "handle "}) {
      if (t.substr(i, word.size()) == word && digits(i + word.size()) > i + word.size()) {
        out += std::string(word) + "N";
        i = digits(i + word.size());
        goto next;
      }
    }
    if (t[i] >= '0' && t[i] <= '9' &&
        (i == 0 || !std::isalnum(static_cast<unsigned char>(t[i - 1])))) {
      std::size_t j = digits(i);
      if (j + 1 < t.size() && t[j] == '.' && t[j + 1] >= '0' && t[j + 1] <= '9') j = digits(j + 1);
      std::size_t k = j;
      if (k < t.size() && t[k] == ' ') ++k;
      for (std::string_view unit : {"ms", "us", "s"}) {
        const std::size_t e = k + unit.size();
        if (t.substr(k, unit.size()) == unit &&
            (e == t.size() || !std::isalnum(static_cast<unsigned char>(t[e])))) {
          out += "N ms";
          i = e;
          goto next;
        }
      }
      out.append(t.substr(i, j - i));
      i = j;
      continue;
    }
    out += t[i++];
  next:;
  }
  return out;
}

}  // namespace detail

std::vector<std::string> normalized_blocks(const Session& s) {
  using namespace detail;
  auto clean = [](const std::string& t) { return detail::mask_run_values(t); };
  std::vector<std::string> blocks;
  Visitor v;
  v.step = [&](std::size_t n, const Event& e) {
    blocks.push_back("step " + std::to_string(n) + ": " + clean(e.text));
  };
  v.call = [&](const Call&, const Event& e) {
    blocks.push_back("call " + clean(call_text(e)) + " [" +
                     (e.process.empty() ? "host" : e.process) + "]");
  };
  v.exchange = [&](const Exchange& x) {
    std::string b = (x.call >= 0 ? "  " : "") + x.decoded.applet + " " + x.decoded.title + " -> " +
                    x.decoded.status;
    std::vector<std::string> lines;
    field_lines(x.decoded.command_fields, "    > ", true, lines);
    field_lines(x.decoded.response_fields, "    < ", true, lines);
    for (const auto& l : lines) b += "\n" + l;
    for (const auto& f : x.faults) b += "\n    ! fault: " + f;
    blocks.push_back(std::move(b));
  };
  v.other = [&](const Event& e) {
    if (e.kind != Kind::note) blocks.push_back(std::string("-- ") + to_string(e.kind));
  };
  walk(s, v);
  return blocks;
}

DiffResult diff(const Session& a, const Session& b) {
  const auto x = normalized_blocks(a), y = normalized_blocks(b);
  DiffResult r;
  if (x == y) return r;
  r.same = false;
  // LCS over blocks (hundreds to a few thousand: quadratic is fine).
  const std::size_t n = x.size(), m = y.size();
  std::vector<std::vector<std::uint32_t>> l(n + 1, std::vector<std::uint32_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;)
    for (std::size_t j = m; j-- > 0;)
      l[i][j] = x[i] == y[j] ? l[i + 1][j + 1] + 1 : std::max(l[i + 1][j], l[i][j + 1]);
  auto prefixed = [](const std::string& block, char p) {
    std::string out;
    std::size_t start = 0;
    while (start <= block.size()) {
      const auto end = block.find('\n', start);
      out += std::string(1, p) + " " + block.substr(start, end - start) + "\n";
      if (end == std::string::npos) break;
      start = end + 1;
    }
    return out;
  };
  std::size_t i = 0, j = 0, shown = 0;
  std::size_t last_same = SIZE_MAX;
  while ((i < n || j < m) && shown < 200) {
    if (i < n && j < m && x[i] == y[j]) {
      last_same = i;
      ++i, ++j;
      continue;
    }
    if (last_same != SIZE_MAX) {
      r.text += "@@ after: " + x[last_same].substr(0, x[last_same].find('\n')) + "\n";
      last_same = SIZE_MAX;
    }
    if (j < m && (i == n || l[i][j + 1] >= l[i + 1][j])) {
      r.text += prefixed(y[j++], '+');
    } else {
      r.text += prefixed(x[i++], '-');
    }
    ++shown;
  }
  if (shown == 200) r.text += "... (more differences)\n";
  return r;
}

}  // namespace softcard::trace
