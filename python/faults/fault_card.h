#pragma once
// Fault injection in front of the card boundary. FaultyCard wraps a softcard::Card and passes
// every exchange through a list of rules that can answer a chosen status word instead of the
// card, delay the answer, corrupt a response byte, drop the link or tear the power before or
// after the card committed the command. It also keeps the APDU trace, so every fault that fired
// (and every rule added or removed) is visible next to the exchanges it changed.
//
// Front-end neutral: the Python binding and the vpcd serving loop both drive it; it knows
// nothing about pybind11 or sockets. card-os is not touched: this is just another caller of
// Card::transmit.
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "softcard/bytes.h"
#include "softcard/card.h"

namespace softcard::faults {

using Clock = std::chrono::steady_clock;

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

enum class RecordKind : std::uint8_t {
  apdu,
  power_on,
  power_off,
  reset,
  rule_added,
  rule_removed,
  note
};
const char* to_string(RecordKind kind);

// One trace entry. APDU command data that carries secrets (VERIFY, CHANGE REFERENCE DATA, ...)
// is zeroed at record time; `redacted` says so.
struct Record {
  std::uint64_t seq = 0;
  RecordKind kind = RecordKind::apdu;
  Clock::time_point start;
  Clock::duration duration{};
  Bytes command;
  bool redacted = false;
  Bytes response;  // as delivered (after faults); empty when dropped/torn
  Outcome outcome = Outcome::answered;
  std::vector<std::string> faults;  // labels of the rules that fired on this exchange
  std::string note;                 // rule description for rule_added/removed, free text for note
};

struct Exchange {
  Bytes response;
  Outcome outcome = Outcome::answered;
};

// Bounded, thread-safe trace buffer.
class Trace {
 public:
  explicit Trace(std::size_t capacity = 10000) : capacity_(capacity) {}
  void add(Record record);
  std::vector<Record> snapshot() const;
  void clear();
  void set_enabled(bool on);
  bool enabled() const;
  void set_capacity(std::size_t capacity);
  std::size_t capacity() const;
  std::size_t size() const;
  // Records dropped because the buffer was full.
  std::uint64_t overflowed() const;
  Clock::time_point epoch() const { return epoch_; }

 private:
  mutable std::mutex mutex_;
  std::deque<Record> records_;
  std::size_t capacity_;
  std::uint64_t next_seq_ = 1;
  std::uint64_t overflowed_ = 0;
  bool enabled_ = true;
  Clock::time_point epoch_ = Clock::now();
};

// Sleeps; a hook so a front-end can make waits interruptible or observable.
using SleepFn = std::function<void(std::chrono::microseconds)>;

class FaultyCard {
 public:
  explicit FaultyCard(Card& card, SleepFn sleep = {});
  FaultyCard(const FaultyCard&) = delete;
  FaultyCard& operator=(const FaultyCard&) = delete;

  Card& card() { return card_; }
  Trace& trace() { return trace_; }

  // Thread-safe; rules are applied in the order they were added.
  std::uint64_t add_rule(Rule rule);
  bool remove_rule(std::uint64_t id);
  void clear_rules();
  std::vector<Rule> rules() const;
  std::optional<Rule> rule(std::uint64_t id) const;
  void set_latency(Latency latency);
  Latency latency() const;
  // Adds a free-text note to the trace (scenario steps).
  void note(std::string text);

  // One exchange through the rules. Serialized with every other call on this object (the card is
  // single-threaded), so a served link and an in-process caller can share one card.
  Exchange transmit(ByteView command);
  void power_on();
  void power_off();
  void reset();
  Bytes atr() const;
  bool powered() const;
  // Runs f(card) under the exchange lock (inspection while a served link may be busy).
  template <class F>
  auto with_card(F&& f) {
    std::lock_guard lock(card_mutex_);
    return f(card_);
  }

 private:
  void record_simple(RecordKind kind, std::string note);
  void sleep(std::chrono::microseconds d);
  static std::string describe(const Rule& rule);

  Card& card_;
  SleepFn sleep_;
  Trace trace_;
  mutable std::mutex card_mutex_;   // one exchange at a time
  mutable std::mutex rules_mutex_;  // rules may change while an exchange waits
  std::vector<Rule> rules_;
  std::uint64_t next_rule_id_ = 1;
  Latency latency_;
};

}  // namespace softcard::faults
