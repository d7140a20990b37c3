#include "softcard/harness/rule_file.h"

#include <cmath>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

namespace softcard::harness {

namespace {

using nlohmann::json;

// Error context: the file name and the JSON path of the field being read.
class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  [[noreturn]] void fail(const std::string& field, const std::string& message) const {
    throw FaultFileError(file_ + ": " + (field.empty() ? "" : field + ": ") + message);
  }

  void only(const json& object, const std::string& where,
            std::initializer_list<std::string_view> allowed) const {
    for (const auto& item : object.items()) {
      bool known = false;
      for (auto a : allowed) known = known || item.key() == a;
      if (!known) fail(join(where, item.key()), "unknown field");
    }
  }

  static std::string join(const std::string& where, std::string_view key) {
    return where.empty() ? std::string(key) : where + "." + std::string(key);
  }

  Bytes hex(const json& v, const std::string& field, std::size_t exact = 0) const {
    const std::string want = exact ? std::to_string(exact * 2) + " hex digits" : "hex digits";
    if (!v.is_string()) fail(field, "expected a string of " + want);
    const auto& text = v.get_ref<const std::string&>();
    if (text.empty() || text.size() % 2 != 0)
      fail(field, "expected " + want + ", got \"" + text + "\"");
    for (char c : text)
      if (!std::isxdigit(static_cast<unsigned char>(c)))
        fail(field, "expected " + want + ", got \"" + text + "\"");
    if (exact && text.size() != exact * 2)
      fail(field, "expected " + want + ", got \"" + text + "\"");
    return from_hex(text);
  }

  std::int64_t integer(const json& v, const std::string& field, std::int64_t min,
                       std::int64_t max) const {
    const std::string range =
        "an integer from " + std::to_string(min) + " to " + std::to_string(max);
    if (!v.is_number_integer()) fail(field, "expected " + range);
    if (v.is_number_unsigned()) {
      const auto u = v.get<std::uint64_t>();
      if (u > static_cast<std::uint64_t>(max) || (min > 0 && u < static_cast<std::uint64_t>(min)))
        fail(field, "out of range (expected " + range + ")");
      return static_cast<std::int64_t>(u);
    }
    const auto n = v.get<std::int64_t>();
    if (n < min || n > max) fail(field, "out of range (expected " + range + ")");
    return n;
  }

  // Milliseconds as a JSON number (fractions allowed), to whole microseconds.
  std::chrono::microseconds millis(const json& v, const std::string& field, double max) const {
    if (!v.is_number()) fail(field, "expected a number of milliseconds");
    const double ms = v.get<double>();
    if (!std::isfinite(ms) || ms < 0 || ms > max)
      fail(field, "out of range (0 to " + std::to_string(static_cast<long>(max)) + " ms)");
    return std::chrono::microseconds(static_cast<std::int64_t>(std::llround(ms * 1000.0)));
  }

 private:
  std::string file_;
};

Action parse_action(const Reader& r, const json& v, const std::string& field) {
  if (v.is_string()) {
    for (auto a : {Action::answer_sw, Action::delay, Action::corrupt, Action::drop_link,
                   Action::tear_before, Action::tear_after})
      if (v.get_ref<const std::string&>() == to_string(a)) return a;
  }
  r.fail(field,
         "expected one of \"answer_sw\", \"delay\", \"corrupt\", \"drop_link\", \"tear_before\", "
         "\"tear_after\"");
}

// Sets bytes [0, value.size()) of the match under `mask`; refuses a contradiction with what an
// earlier match field already fixed.
void constrain(const Reader& r, Match& m, const Bytes& value, const Bytes& mask,
               const std::string& field) {
  if (m.mask.size() < mask.size()) {
    m.mask.resize(mask.size(), 0);
    m.value.resize(mask.size(), 0);
  }
  for (std::size_t i = 0; i < mask.size(); ++i) {
    const std::uint8_t both = m.mask[i] & mask[i];
    if ((m.value[i] & both) != (value[i] & both))
      r.fail(field, "contradicts another match field at byte " + std::to_string(i));
    m.value[i] = static_cast<std::uint8_t>((m.value[i] & m.mask[i]) | (value[i] & mask[i]));
    m.mask[i] |= mask[i];
  }
}

Match parse_match(const Reader& r, const json& v, const std::string& where) {
  if (!v.is_object()) r.fail(where, "expected an object");
  r.only(v, where, {"cla", "ins", "p1", "p2", "prefix", "value", "mask"});
  Match m;
  if (v.contains("prefix")) {
    const std::string field = where + ".prefix";
    const Bytes prefix = r.hex(v["prefix"], field);
    constrain(r, m, prefix, Bytes(prefix.size(), 0xFF), field);
  }
  if (v.contains("value") != v.contains("mask"))
    r.fail(where + (v.contains("value") ? ".mask" : ".value"),
           "\"value\" and \"mask\" go together");
  if (v.contains("value")) {
    const Bytes value = r.hex(v["value"], where + ".value");
    const Bytes mask = r.hex(v["mask"], where + ".mask");
    if (value.size() != mask.size())
      r.fail(where + ".mask",
             "must be as long as \"value\" (" + std::to_string(value.size()) + " bytes)");
    constrain(r, m, value, mask, where + ".value");
  }
  const char* header[] = {"cla", "ins", "p1", "p2"};
  for (std::size_t i = 0; i < 4; ++i) {
    if (!v.contains(header[i])) continue;
    const std::string field = where + "." + header[i];
    const Bytes b = r.hex(v[header[i]], field, 1);
    Bytes value(i + 1, 0), mask(i + 1, 0);
    value[i] = b[0];
    mask[i] = 0xFF;
    constrain(r, m, value, mask, field);
  }
  return m;
}

FileRule parse_rule(const Reader& r, const json& v, const std::string& where) {
  if (!v.is_object()) r.fail(where, "expected an object");
  r.only(v, where,
         {"action", "label", "card", "match", "nth", "times", "sw", "delay_ms", "index", "xor"});
  if (!v.contains("action")) r.fail(where + ".action", "missing");
  FileRule out;
  Rule& rule = out.rule;
  rule.action = parse_action(r, v["action"], where + ".action");
  // Parameters belong to one action each: a stray one is a mistake, not a default.
  const auto param = [&](const char* key, Action owner) {
    if (!v.contains(key)) return false;
    if (rule.action != owner)
      r.fail(where + "." + key, std::string("only for \"") + to_string(owner) + "\" rules");
    return true;
  };
  if (param("sw", Action::answer_sw)) {
    const Bytes sw = r.hex(v["sw"], where + ".sw", 2);
    rule.sw = static_cast<std::uint16_t>((sw[0] << 8) | sw[1]);
  } else if (rule.action == Action::answer_sw) {
    r.fail(where + ".sw", "missing (the status word to answer, e.g. \"6A82\")");
  }
  if (param("delay_ms", Action::delay))
    rule.delay = r.millis(v["delay_ms"], where + ".delay_ms", 600000);
  else if (rule.action == Action::delay)
    r.fail(where + ".delay_ms", "missing (how much later the answer comes)");
  if (param("index", Action::corrupt))
    rule.corrupt_index =
        static_cast<std::int32_t>(r.integer(v["index"], where + ".index", -65535, 65535));
  if (param("xor", Action::corrupt)) {
    rule.corrupt_xor = r.hex(v["xor"], where + ".xor", 1)[0];
    if (rule.corrupt_xor == 0) r.fail(where + ".xor", "must not be \"00\" (nothing would change)");
  }
  if (v.contains("label")) {
    if (!v["label"].is_string()) r.fail(where + ".label", "expected a string");
    rule.label = v["label"].get<std::string>();
  }
  if (v.contains("card"))
    out.card = static_cast<std::size_t>(r.integer(v["card"], where + ".card", 0, 65535));
  if (v.contains("match")) rule.match = parse_match(r, v["match"], where + ".match");
  if (v.contains("nth"))
    rule.skip = static_cast<std::uint32_t>(r.integer(v["nth"], where + ".nth", 1, 0xFFFFFFFF) - 1);
  if (v.contains("times"))
    rule.times = static_cast<std::uint32_t>(r.integer(v["times"], where + ".times", 0, 0xFFFFFFFF));
  return out;
}

}  // namespace

FaultFile parse_fault_file(std::string_view name, std::string_view text) {
  const Reader r{std::string(name)};
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {
    r.fail("", std::string("not valid JSON: ") + e.what());
  }
  if (!doc.is_object()) r.fail("", "expected a JSON object");
  r.only(doc, "", {"softcard_faults", "rules", "latency"});
  if (!doc.contains("softcard_faults"))
    r.fail("softcard_faults", "missing (the format version, 1)");
  if (!doc["softcard_faults"].is_number_integer() ||
      doc["softcard_faults"].get<std::int64_t>() != fault_file_version)
    r.fail("softcard_faults", "unsupported format version (this softcard reads 1)");
  FaultFile out;
  out.name = std::string(name);
  if (doc.contains("rules")) {
    const auto& rules = doc["rules"];
    if (!rules.is_array()) r.fail("rules", "expected an array");
    for (std::size_t i = 0; i < rules.size(); ++i)
      out.rules.push_back(parse_rule(r, rules[i], "rules[" + std::to_string(i) + "]"));
  }
  if (doc.contains("latency")) {
    const auto& l = doc["latency"];
    if (!l.is_object()) r.fail("latency", "expected an object");
    r.only(l, "latency", {"per_command_ms", "per_byte_ms"});
    Latency latency;
    if (l.contains("per_command_ms"))
      latency.per_command = r.millis(l["per_command_ms"], "latency.per_command_ms", 60000);
    if (l.contains("per_byte_ms"))
      latency.per_byte = r.millis(l["per_byte_ms"], "latency.per_byte_ms", 1000);
    out.latency = latency;
  }
  return out;
}

FaultFile load_fault_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw FaultFileError(path.string() + ": cannot read the fault file");
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw FaultFileError(path.string() + ": cannot read the fault file");
  return parse_fault_file(path.string(), text.str());
}

void FaultFile::check_cards(std::size_t cards) const {
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (rules[i].card && *rules[i].card >= cards)
      throw FaultFileError(name + ": rules[" + std::to_string(i) + "].card: card " +
                           std::to_string(*rules[i].card) + " does not exist (" +
                           std::to_string(cards) + " image(s) served)");
}

void FaultFile::apply(std::size_t index, FaultyCard& card) const {
  for (const auto& r : rules)
    if (!r.card || *r.card == index) card.add_rule(r.rule);
  if (latency) card.set_latency(*latency);
}

}  // namespace softcard::harness
