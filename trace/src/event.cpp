#include "softcard/trace/event.h"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace softcard::trace {

namespace {

constexpr const char* kind_names[] = {"apdu",   "power_on", "power_off", "reset", "insert",
                                      "remove", "call",     "step",      "note"};

std::string upper_hex(ByteView b) {
  std::string h = to_hex(b);
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::toupper(c); });
  return h;
}

}  // namespace

const char* to_string(Kind kind) {
  return kind_names[static_cast<std::size_t>(kind)];
}

std::optional<Kind> kind_from_string(std::string_view text) {
  for (std::size_t i = 0; i < std::size(kind_names); ++i)
    if (text == kind_names[i]) return static_cast<Kind>(i);
  return std::nullopt;
}

std::string to_json_line(const Event& e) {
  nlohmann::ordered_json j;
  j["v"] = format_version;
  j["type"] = to_string(e.kind);
  j["t"] = e.t_ns;
  if (e.kind == Kind::apdu || e.kind == Kind::call) j["dur"] = e.dur_ns;
  if (!e.card.empty()) j["card"] = e.card;
  if (!e.reader.empty()) j["reader"] = e.reader;
  if (e.pid) j["pid"] = e.pid;
  if (!e.process.empty()) j["process"] = e.process;
  if (e.kind == Kind::apdu) {
    j["c"] = upper_hex(e.command);
    j["r"] = upper_hex(e.response);
    if (e.redacted) j["redacted"] = true;
    if (e.outcome != "answered") j["outcome"] = e.outcome;
    if (!e.faults.empty()) j["faults"] = e.faults;
    if (!e.name.empty()) j["name"] = e.name;
    if (!e.summary.empty()) j["summary"] = e.summary;
  }
  if (!e.text.empty()) j["text"] = e.text;
  if (e.kind == Kind::call) j["rc"] = e.rc;
  // Invalid UTF-8 in a label must not make the recorder throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Event from_json_line(std::string_view line) {
  nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw std::invalid_argument("not a JSON object");
  const auto version = j.find("v");
  if (version == j.end() || !version->is_number_integer())
    throw std::invalid_argument("no format version \"v\"");
  if (version->get<int>() != format_version)
    throw std::invalid_argument("format version " + version->dump() + " (this reader knows 1)");
  const auto type = j.find("type");
  if (type == j.end() || !type->is_string()) throw std::invalid_argument("no \"type\"");
  const auto kind = kind_from_string(type->get<std::string>());
  if (!kind) throw std::invalid_argument("unknown type " + type->dump());
  Event e;
  e.kind = *kind;
  auto get_int = [&](const char* key, std::int64_t& out) {
    if (auto it = j.find(key); it != j.end()) {
      if (!it->is_number_integer())
        throw std::invalid_argument(std::string(key) + ": not an integer");
      out = it->get<std::int64_t>();
    }
  };
  auto get_str = [&](const char* key, std::string& out) {
    if (auto it = j.find(key); it != j.end()) {
      if (!it->is_string()) throw std::invalid_argument(std::string(key) + ": not a string");
      out = it->get<std::string>();
    }
  };
  auto get_hex = [&](const char* key, Bytes& out) {
    std::string text;
    get_str(key, text);
    out = from_hex(text);
  };
  get_int("t", e.t_ns);
  get_int("pid", e.pid);
  get_str("card", e.card);
  get_str("reader", e.reader);
  get_str("process", e.process);
  get_str("text", e.text);
  // Fields of other record types are ignored, as to_json_line never writes them there: a record
  // must read back as what it says it is (found by fuzz_trace: a step carrying "c").
  if (e.kind == Kind::apdu || e.kind == Kind::call) get_int("dur", e.dur_ns);
  if (e.kind == Kind::call) get_int("rc", e.rc);
  if (e.kind != Kind::apdu) return e;
  get_str("outcome", e.outcome);
  get_str("name", e.name);
  get_str("summary", e.summary);
  get_hex("c", e.command);
  get_hex("r", e.response);
  if (auto it = j.find("redacted"); it != j.end()) {
    if (!it->is_boolean()) throw std::invalid_argument("redacted: not a boolean");
    e.redacted = it->get<bool>();
  }
  if (auto it = j.find("faults"); it != j.end()) {
    if (!it->is_array()) throw std::invalid_argument("faults: not an array");
    for (const auto& f : *it) {
      if (!f.is_string()) throw std::invalid_argument("faults: not strings");
      e.faults.push_back(f.get<std::string>());
    }
  }
  if (e.kind == Kind::apdu && e.command.empty()) throw std::invalid_argument("apdu without \"c\"");
  return e;
}

std::vector<Event> read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(path + ": cannot open");
  std::vector<Event> out;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    try {
      out.push_back(from_json_line(line));
    } catch (const std::exception& e) {
      throw std::runtime_error(path + ":" + std::to_string(n) + ": " + e.what());
    }
  }
  return out;
}

void sort_by_time(std::vector<Event>& events) {
  std::stable_sort(events.begin(), events.end(),
                   [](const Event& a, const Event& b) { return a.t_ns < b.t_ns; });
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace softcard::trace
