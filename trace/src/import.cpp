// Importers: `pcscd --debug --apdu` logs and `pcsc-spy` text output into trace events.
#include "softcard/trace/import.h"

#include <algorithm>
#include <optional>
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
    } else if (auto inserted = after("Card inserted into ")) {
      reader = std::string(*inserted);
      Event e;
      e.kind = Kind::insert;
      e.t_ns = t_us * 1000;
      e.card = "card";
      e.reader = reader;
      out.push_back(std::move(e));
    } else if (auto removed = after("Card Removed From ")) {
      Event e;
      e.kind = Kind::remove;
      e.t_ns = t_us * 1000;
      e.card = "card";
      e.reader = std::string(*removed);
      out.push_back(std::move(e));
    } else if (auto atr = after("Card ATR: ")) {
      Event e;
      e.kind = Kind::power_on;
      e.t_ns = t_us * 1000;
      e.card = "card";
      e.reader = reader;
      e.text = "ATR " + std::string(*atr);
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
  // SCardConnect (the reader name). Parsed by hand: lines can be long, and must not cost stack.
  std::vector<Event> out;
  std::int64_t t_ns = 0;
  std::string reader;
  std::optional<Event> cur;
  enum { none, send, recv } buffer = none;
  bool in_connect = false;
  auto is_hex = [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
  };
  for (auto line : lines_of(text)) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string_view::npos) continue;
    const auto body = line.substr(first);
    const bool result = body.rfind("=>", 0) == 0;
    const bool direction = body.size() >= 2 && (body[0] == 'i' || body[0] == 'o') && body[1] == ' ';
    if (!result && !direction) {
      // A call name starts a block.
      in_connect = body == "SCardConnect";
      buffer = none;
      if (body == "SCardTransmit") {
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
    if (result) {
      // "[s.us]" at the end: the call's duration.
      std::int64_t dur = 0;
      const auto open = body.rfind('[');
      const auto close = body.rfind(']');
      if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
        const auto inner = body.substr(open + 1, close - open - 1);
        const auto dot = inner.find('.');
        auto number = [](std::string_view d, std::int64_t& v) {
          if (d.empty() || d.size() > 9) return false;
          v = 0;
          for (char c : d) {
            if (c < '0' || c > '9') return false;
            v = v * 10 + (c - '0');
          }
          return true;
        };
        std::int64_t sec = 0, usec = 0;
        if (dot != std::string_view::npos && number(inner.substr(0, dot), sec) &&
            number(inner.substr(dot + 1), usec))
          dur = sec * 1000000000LL + usec * 1000LL;
      }
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
    const auto rest = body.substr(2);
    if (in_connect) {
      if (const auto p = rest.find("szReader"); p != std::string_view::npos) {
        auto name = rest.substr(p + 8);
        if (!name.empty() && name[0] == ':') name.remove_prefix(1);
        const auto b = name.find_first_not_of(' ');
        reader = b == std::string_view::npos ? "" : std::string(name.substr(b));
      }
      continue;
    }
    if (!cur) continue;
    if (rest.find("bSendBuffer") != std::string_view::npos) {
      buffer = send;
      continue;
    }
    if (rest.find("bRecvBuffer") != std::string_view::npos) {
      buffer = recv;
      continue;
    }
    // A dump line: spaces, a 4-digit hex offset, one space, 16 bytes in 47 characters, ASCII.
    const auto d = rest.find_first_not_of(' ');
    if (buffer != none && d != std::string_view::npos && rest.size() >= d + 5 && is_hex(rest[d]) &&
        is_hex(rest[d + 1]) && is_hex(rest[d + 2]) && is_hex(rest[d + 3]) && rest[d + 4] == ' ') {
      append(buffer == send ? cur->command : cur->response, hex_run(rest.substr(d + 5, 47)));
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
