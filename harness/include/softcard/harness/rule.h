#pragma once
// Fault rules: which C-APDUs a rule matches and what it does instead of (or on top of) the card's
// answer. Shared by the in-process front-ends (Python), the vpcd serving path and the JSON rule
// file of `softcard run --faults` (docs/faults.md).
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "softcard/bytes.h"

namespace softcard::harness {

enum class Action : std::uint8_t {
  answer_sw,    // the card never sees the command; the answer is just the chosen SW
  delay,        // the card answers normally, `delay` later
  corrupt,      // one response byte is XORed with `corrupt_xor`
  drop_link,    // the command never reaches the card and no answer comes back
  tear_before,  // power is cut before the card sees the command: nothing happens on the card
  tear_after,   // the card processes (and commits) the command, then power is cut: no answer
};
const char* to_string(Action action);

// Matches when (command[i] & mask[i]) == value[i] for every i < mask.size() (a command shorter
// than the mask never matches) and, if set, the predicate says yes.
struct Match {
  Bytes mask;
  Bytes value;
  std::function<bool(ByteView)> predicate;
  bool matches(ByteView command) const;
};

struct Rule {
  std::uint64_t id = 0;  // assigned by add_rule
  std::string label;     // shown in the trace; defaults to a description of the rule
  Match match;
  Action action = Action::answer_sw;
  std::uint16_t sw = 0x6F00;           // answer_sw
  std::chrono::microseconds delay{0};  // delay
  std::int32_t corrupt_index = -1;     // corrupt: <0 counts from the end (-1 = SW2)
  std::uint8_t corrupt_xor = 0x01;     // corrupt
  std::uint32_t skip = 0;   // matching commands let through before the rule fires (n-th = n-1)
  std::uint32_t times = 1;  // how often it fires; 0 = every time
  // Counters, maintained by FaultyCard.
  std::uint32_t matched = 0;
  std::uint32_t fired = 0;
  bool exhausted() const { return times != 0 && fired >= times; }
};

// Timing of a slow real card: per_command + per_byte * (command + response bytes).
struct Latency {
  std::chrono::microseconds per_command{0};
  std::chrono::microseconds per_byte{0};
  bool active() const { return per_command.count() > 0 || per_byte.count() > 0; }
};

enum class Outcome : std::uint8_t {
  answered,  // response delivered
  dropped,   // link dropped: no response
  torn,      // power torn: no response, card powered off
};
const char* to_string(Outcome outcome);

// Default label of a rule: its action, parameters and match, e.g. "answer_sw 6a82 when 00a4/00ff".
std::string describe(const Rule& rule);

}  // namespace softcard::harness
