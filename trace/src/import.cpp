// Importers: `pcscd --debug --apdu` logs and `pcsc-spy` text output into trace events.
#include "softcard/trace/import.h"

#include <regex>
#include <stdexcept>
#include <variant>

#include "softcard/apdu.h"

namespace softcard::trace {

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    auto line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    out.push_back(line);
    start = end + 1;
  }
  return out;
}

// Hex bytes separated by single spaces; stops at anything else.
Bytes hex_run(std::string_view s) {
  Bytes out;
  std::size_t i = 0;
  auto hexval = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  while (i + 1 < s.size()) {
    const int h = hexval(s[i]), l = hexval(s[i + 1]);
    if (h < 0 || l < 0) break;
    if (i + 2 < s.size() && s[i + 2] != ' ') break;
    out.push_back(static_cast<std::uint8_t>(h * 16 + l));
    i += 3;
  }
  return out;
}

// The one redaction rule (card-os carries_secret), applied to foreign logs too.
void redact(Event& e) {
  auto parsed = parse_command(e.command);
  const auto* cmd = std::get_if<Command>(&parsed);
  if (!cmd || cmd->data.empty() || !carries_secret(*cmd)) return;
  const std::size_t from = cmd->extended ? 7 : 5;
  for (std::size_t i = from; i < from + cmd->data.size() && i < e.command.size(); ++i)
    e.command[i] = 0;
  e.redacted = true;
}

}  // namespace

std::vector<Event> import_pcscd(std::string_view text) {
  // "%08d <text>": the first field is microseconds since the previous line.
  std::vector<Event> out;
  std::int64_t t_us = 0;
  std::string reader;
  std::optional<Event> pending;
  for (auto line : lines_of(text)) {
    if (line.size() < 10 || line[8] != ' ') continue;
    std::int64_t delta = 0;
    bool digits = true;
    for (std::size_t i = 0; i < 8; ++i) {
      if (line[i] < '0' || line[i] > '9') digits = false;
      delta = delta * 10 + (line[i] - '0');
    }
    if (!digits) continue;
    t_us += delta;
    const auto body = line.substr(9);
    auto after = [&](std::string_view key) -> std::optional<std::string_view> {
      const auto p = body.find(key);
      if (p == std::string_view::npos) return std::nullopt;
      return body.substr(p + key.size());
    };
    if (body.rfind("APDU: ", 0) == 0) {
      Event e;
      e.kind = Kind::apdu;
      e.t_ns = t_us * 1000;
      e.command = hex_run(body.substr(6));
      e.card = "card";
      e.reader = reader;
      pending = std::move(e);
    } else if (body.rfind("SW: ", 0) == 0 && pending) {
      pending->response = hex_run(body.substr(4));
      pending->dur_ns = delta * 1000;
      redact(*pending);
      if (!pending->command.empty()) out.push_back(std::move(*pending));
      pending.reset();
    } else if (auto r = after("Card inserted into ")) {
      reader = std::string(*r);
      Event e;
      e.kind = Kind::insert;
      e.t_ns = t_us * 1000;
      e.card = "card";
      e.reader = reader;
      out.push_back(std::move(e));
    } else if (auto r = after("Card Removed From ")) {
      Event e;
      e.kind = Kind::remove;
      e.t_ns = t_us * 1000;
      e.card = "card";
      e.reader = std::string(*r);
      out.push_back(std::move(e));
    } else if (auto r = after("Card ATR: ")) {
      Event e;
      e.kind = Kind::power_on;
      e.t_ns = t_us * 1000;
      e.card = "card";
      e.reader = reader;
      e.text = "ATR " + std::string(*r);
      while (!e.text.empty() && e.text.back() == ' ') e.text.pop_back();
      out.push_back(std::move(e));
    }
  }
  if (std::none_of(out.begin(), out.end(), [](const Event& e) { return e.kind == Kind::apdu; }))
    throw std::invalid_argument("no APDU lines (is this a `pcscd --debug --apdu` log?)");
  return out;
}

std::vector<Event> import_pcsc_spy(std::string_view text) {
  // Blocks: "SCardTransmit", " i bSendBuffer", " i  0000 <16 hex> <ascii>"..., " o bRecvBuffer",
  // " o  0000 ...", " => <result>  [sec.usec]" ([??.??] with -d). Other calls are skipped except
  // SCardConnect (the reader name).
  std::vector<Event> out;
  std::int64_t t_ns = 0;
  std::string reader;
  std::optional<Event> cur;
  enum { none, send, recv } buffer = none;
  static const std::regex dump(R"(^\s*[io]\s+([0-9A-F]{4}) (.*)$)");
  static const std::regex result(R"(=>.*\[(\d+)\.(\d+)\]\s*$)");
  static const std::regex reader_line(R"(^\s*i\s+szReader:?\s+(.*)$)");
  bool in_connect = false;
  for (auto raw : lines_of(text)) {
    const std::string line(raw);
    std::smatch m;
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    if (line[first] != 'i' && line[first] != 'o' && line.compare(first, 2, "=>") != 0) {
      // A call name starts a block.
      const std::string name = line.substr(first);
      in_connect = name == "SCardConnect";
      buffer = none;
      if (name == "SCardTransmit") {
        cur = Event{};
        cur->kind = Kind::apdu;
        cur->card = "card";
        cur->reader = reader;
        cur->t_ns = t_ns;
      } else {
        cur.reset();
      }
      continue;
    }
    if (in_connect && std::regex_match(line, m, reader_line)) {
      reader = m[1];
      continue;
    }
    if (line.compare(first, 2, "=>") == 0) {
      std::int64_t dur = 0;
      if (std::regex_search(line, m, result))
        dur = std::stoll(m[1]) * 1000000000LL + std::stoll(m[2]) * 1000LL;
      if (cur && !cur->command.empty()) {
        cur->dur_ns = dur;
        redact(*cur);
        out.push_back(std::move(*cur));
      }
      cur.reset();
      t_ns += dur > 0 ? dur : 1000;  // -d hides times: keep the order
      buffer = none;
      continue;
    }
    if (!cur) continue;
    if (line.find("bSendBuffer") != std::string::npos) {
      buffer = send;
    } else if (line.find("bRecvBuffer") != std::string::npos) {
      buffer = recv;
    } else if (buffer != none && std::regex_match(line, m, dump)) {
      // 16 bytes per line: 47 characters of hex, then the ASCII column.
      const std::string hex = m[2].str().substr(0, 47);
      append(buffer == send ? cur->command : cur->response, hex_run(hex));
    } else {
      buffer = none;
    }
  }
  if (out.empty())
    throw std::invalid_argument("no SCardTransmit with buffers (is this pcsc-spy output?)");
  return out;
}

std::vector<Event> import_log(std::string_view text, const std::string& format) {
  if (format == "pcscd") return import_pcscd(text);
  if (format == "pcsc-spy") return import_pcsc_spy(text);
  if (format != "auto") throw std::invalid_argument("unknown format " + format);
  if (text.find("SCardTransmit\n") != std::string_view::npos ||
      text.find(" i bSendBuffer") != std::string_view::npos)
    return import_pcsc_spy(text);
  return import_pcscd(text);
}

}  // namespace softcard::trace
