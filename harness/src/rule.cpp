#include "softcard/harness/rule.h"

namespace softcard::harness {

const char* to_string(Action action) {
  switch (action) {
    case Action::answer_sw:
      return "answer_sw";
    case Action::delay:
      return "delay";
    case Action::corrupt:
      return "corrupt";
    case Action::drop_link:
      return "drop_link";
    case Action::tear_before:
      return "tear_before";
    case Action::tear_after:
      return "tear_after";
  }
  return "?";
}

const char* to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::answered:
      return "answered";
    case Outcome::dropped:
      return "dropped";
    case Outcome::torn:
      return "torn";
  }
  return "?";
}

bool Match::matches(ByteView command) const {
  if (command.size() < mask.size()) return false;
  for (std::size_t i = 0; i < mask.size(); ++i) {
    const std::uint8_t want = i < value.size() ? value[i] : 0;
    if ((command[i] & mask[i]) != (want & mask[i])) return false;
  }
  return !predicate || predicate(command);
}

std::string describe(const Rule& rule) {
  std::string out = to_string(rule.action);
  switch (rule.action) {
    case Action::answer_sw: {
      out += " " + to_hex(Bytes{static_cast<std::uint8_t>(rule.sw >> 8),
                                static_cast<std::uint8_t>(rule.sw)});
      break;
    }
    case Action::delay:
      out += " " + std::to_string(rule.delay.count()) + " us";
      break;
    case Action::corrupt:
      out +=
          " byte " + std::to_string(rule.corrupt_index) + " ^ " + to_hex(Bytes{rule.corrupt_xor});
      break;
    default:
      break;
  }
  if (!rule.match.mask.empty())
    out += " when " + to_hex(rule.match.value) + "/" + to_hex(rule.match.mask);
  if (rule.match.predicate) out += rule.match.mask.empty() ? " when predicate" : " and predicate";
  if (rule.skip) out += " after " + std::to_string(rule.skip) + " matches";
  if (rule.times != 1) out += rule.times == 0 ? " always" : " x" + std::to_string(rule.times);
  return out;
}

}  // namespace softcard::harness
